import { QueryClient } from '@tanstack/react-query';
import { errorWords } from './words/errors';

/** The language chosen (the shell keeps it in localStorage), for the words of an error. */
export const currentLang = (): 'vi' | 'en' => (localStorage.getItem('cascade.lang') === 'en' ? 'en' : 'vi');

/**
 * A failed request: its status and stable code, the words that say what to do (in the chosen language) as its
 * message, and what the server said (`detail`, English, naming the field: `subject: is required`), with that field.
 */
export class ApiFailure extends Error {
  readonly field: string | null;
  /** Every field the server named, with what it said of each: its `details`, else read from `detail`. */
  readonly fields: FieldProblem[];
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    details?: unknown,
  ) {
    const field = /^([A-Za-z][\w.[\]]*): /.exec(detail)?.[1] ?? null;
    const lang = currentLang();
    super(lang === 'en' && detail ? `${errorWords(code, lang)} (${detail})` : errorWords(code, lang));
    this.field = field;
    this.fields = fieldProblems(detail, details);
  }
}

export interface FieldProblem {
  /** The field's path in the request: `subject`, `reporting.form.fields.1.key`, `values.sessions`. */
  field: string;
  problems: string[];
}

/** The fields a 4xx names: `details: [{ field, problems }]` when given, else each `field: problem` of the message. */
function fieldProblems(detail: string, details: unknown): FieldProblem[] {
  if (Array.isArray(details)) {
    const listed = details.filter((d): d is FieldProblem => typeof (d as FieldProblem)?.field === 'string');
    if (listed.length) return listed.map((d) => ({ field: d.field, problems: d.problems ?? [] }));
  }
  return detail
    .split(/; | \| /)
    .map((part) => /^([A-Za-z][\w.[\]]*): (.*)$/s.exec(part))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ field: m[1], problems: [m[2]] }));
}

/** The cache of every read (react-query): any change made through `api` marks it stale, so what is shown re-reads. */
export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 2_000, retry: 1, refetchOnWindowFocus: true } },
});

/** POSTs that read: they compute an answer and change nothing. */
const READS = /^\/(schedules\/preview|directives\/import)\b/;

const TOKEN = 'cascade.token';
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(TOKEN, value);
    else sessionStorage.removeItem(TOKEN);
  },
};

/** The API, from the browser: the session's access token, an Idempotency-Key on every change, errors as ApiFailure. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: { contentType?: string; raw?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (method !== 'GET') headers['Idempotency-Key'] = crypto.randomUUID();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (typeof body === 'string') {
    payload = body;
    headers['Content-Type'] = options.contentType ?? 'text/plain; charset=utf-8';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiFailure(0, 'NETWORK', '');
  }
  if (options.raw && res.ok) return (await res.text()) as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 401) session.token = null;
    throw new ApiFailure(
      res.status,
      error?.code ?? 'ERROR',
      error?.message ?? res.statusText,
      error?.details,
    );
  }
  // a change marks what is shown stale; a POST that only computes (a schedule's preview) changes nothing
  if (method !== 'GET' && !READS.test(path)) void queryClient.invalidateQueries();
  return json as T;
}

/**
 * A file the API serves behind the session (the case file, the official document, an export): fetched with the
 * token, then opened (or saved as `download`) from a blob URL, so no link ever answers UNAUTHENTICATED.
 */
export async function openFile(path: string, download?: string): Promise<void> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${session.token ?? ''}` } });
  if (!res.ok) {
    const error = (
      (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
    )?.error;
    throw new ApiFailure(
      res.status,
      error?.code ?? (res.status === 404 ? 'NOT_FOUND' : 'ERROR'),
      error?.message ?? '',
    );
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  if (download) a.download = download;
  else a.target = '_blank';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the opened tab has read it by then; a saved file is written at once
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
