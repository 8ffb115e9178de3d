import type {
  CalendarChange,
  DelegationRow,
  Directive,
  DirectiveState,
  FiledReport,
  ImportAnswer,
  MemberRow,
  Page,
  RegisterItem,
  ReportRow,
  ReviewerRow,
  SchedulePreviewAnswer,
  SigningOptions,
  StoredCalendarYear,
  UnitRow,
  UserDetail,
} from '@cascade/contracts';
import type { FieldProblem } from '../api';

/**
 * Every route a component test fakes, with the type the API answers it with (`libs/contracts`, which the API's
 * services and the web app's reads also use): a fake body that no longer fits the API's shape fails at tsc.
 */
export interface Answers {
  'GET /units/:id/tree': Page<UnitRow>;
  'GET /units/:id/members': Page<MemberRow>;
  'GET /units/:id/review-chain': ReviewerRow[];
  'PUT /units/:id/review-chain': ReviewerRow[];
  'GET /units/:id/delegations': Page<DelegationRow>;
  'POST /units/:id/delegations': DelegationRow;
  'POST /users': UserDetail;
  'POST /directives': Directive;
  'POST /directives/import': ImportAnswer;
  'POST /directives/:id/submit': DirectiveState;
  'GET /directives/:id/signing-options': SigningOptions;
  'GET /directives/:id/reports': Page<ReportRow>;
  'POST /directives/:id/reports': FiledReport;
  'POST /schedules/preview': SchedulePreviewAnswer;
  'GET /registers/outgoing': Page<RegisterItem>;
  'GET /registers/incoming': Page<RegisterItem>;
  'GET /calendar/years': StoredCalendarYear[];
  'PUT /calendar/years/:year': CalendarChange;
  'POST /calendar/years/:year/confirm': CalendarChange;
}
export type Route = keyof Answers;

/** A refusal as the API sends it (`{ error: { code, message, details } }`), with its status. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly details?: FieldProblem[],
  ) {}
}

/** What a fake route is told of a request: the path's parameters (in order), its query and its parsed body. */
export interface Request {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}
export type Handler<R extends Route> = (req: Request) => Answers[R] | Refusal;
export type Routes = { [R in Route]?: Handler<R> | Answers[R] };
export interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** A route's pattern ("GET /units/:id/tree") as a matcher of a method and a path (its query left out). */
const matcher = (route: string) => {
  const [method, pattern] = route.split(' ');
  const re = new RegExp(`^${pattern.replace(/:[a-z]+/gi, '([^/]+)')}$`);
  return (m: string, path: string) => (m === method ? re.exec(path)?.slice(1) : undefined);
};

/**
 * The API for a component test: each request answered by its route in `routes` (a body, or a handler of the
 * request that answers a body or a Refusal), 404 NOT_FOUND for any other. Returns every request made, in order.
 */
export function fakeServer(routes: Routes): Call[] {
  const calls: Call[] = [];
  const table = Object.entries(routes).map(([route, answer]) => ({ match: matcher(route), answer }));
  globalThis.fetch = (async (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? safeJson(init.body) : init?.body;
    calls.push({ method, path: input, body });
    const [path, query = ''] = input.split('?');
    let answer: unknown = new Refusal(404, 'NOT_FOUND', `${method} ${path}`);
    for (const route of table) {
      const params = route.match(method, path);
      if (!params) continue;
      answer =
        typeof route.answer === 'function'
          ? (route.answer as (req: Request) => unknown)({ params, query: new URLSearchParams(query), body })
          : route.answer;
      break;
    }
    const [status, json] =
      answer instanceof Refusal
        ? [answer.status, { error: { code: answer.code, message: answer.message, details: answer.details } }]
        : [200, answer];
    // jsdom has no Response: what api() reads of one
    const text = JSON.stringify(json);
    return { ok: status < 400, status, statusText: String(status), text: async () => text } as Response;
  }) as unknown as typeof fetch;
  return calls;
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};
