/**
 * Demo data, loaded through the public API with fixed idempotency keys, so that running it twice changes nothing.
 * Later features add theirs here (the demo hierarchy, a directive from the Tây Ninh seed, …).
 */
const API = process.env.CASCADE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;

async function post(path: string, key: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  const probe = (await post('/probes', 'demo-probe-0001', {
    message: 'Cascade demo: hệ thống đã sẵn sàng',
  })) as {
    id: string;
    status: string;
  };
  console.log(`demo probe ${probe.id} (${probe.status})`);
}

main().catch((error: Error) => {
  console.error(`demo data failed: ${error.message}`);
  process.exitCode = 1;
});
