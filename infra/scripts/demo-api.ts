/** A small client of Cascade's public API for the demo scripts (fetch, JSON, bearer token, idempotency key). */
export const API = process.env.CASCADE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

export interface Answer {
  status: number;
  body: unknown;
}

export async function call(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  key?: string,
): Promise<Answer> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The answer's body, or an error naming what failed (statuses in `accept` pass too). */
export function ok(answer: Answer, what: string, accept: number[] = []): unknown {
  if (answer.status >= 400 && !accept.includes(answer.status)) {
    throw new Error(`${what} → ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

export async function login(email: string, password: string): Promise<string> {
  const answer = ok(await call('POST', '/auth/login', null, { email, password }), `login ${email}`) as {
    accessToken: string;
  };
  return answer.accessToken;
}

/** The id of a unit by its code. */
export async function unitId(token: string, code: string): Promise<string> {
  const page = ok(await call('GET', `/units?code=${encodeURIComponent(code)}`, token), `unit ${code}`) as {
    items: { id: string }[];
  };
  if (!page.items.length) throw new Error(`demo unit ${code} not found`);
  return page.items[0].id;
}
