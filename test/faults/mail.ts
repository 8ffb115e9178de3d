/**
 * E-mail under faults, for the fault suite (test/faults/run.ts): a real SMTP server in the suite's process (the sink)
 * that the API and the workers send to, recipients with e-mail addresses in some grassroots units, their parent hubs
 * and the issuer (so that the reminders, the overdue marks and the parent and issuer rungs send mail), and two faults:
 *   - for a while the sink hangs: it accepts each connection and never answers (no greeting); the SMTP client's
 *     timeouts must end each attempt, and once the sink answers again every message the hang held up is delivered;
 *   - one recipient the sink always refuses (550 at RCPT TO): its messages must end `dead`, counted by the API's
 *     `/health` (`details.outbox.dead`, and a warning) and logged by the worker, never dropped silently.
 * The invariants (`checkMail`): every outbox row sent was received by the sink under the Message-ID derived from its
 * dedupe key, once per dedupe key (a resend after a worker was killed or frozen between the send and its mark arrives
 * again under the same Message-ID: those duplicates are counted and must be the same message), none lost, none
 * unknown; nothing left pending and nothing dead but the refused recipient's; and every rung of the ladder fired for
 * exactly the units that earned it, in each cycle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SyntheticUnit } from '@cascade/domain';
import { waitFor } from '../integration/support/wait-for';

const DOMAIN = 'faults.cascade.vn';
const SMTP_TIMEOUT_MS = 2_000;

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;
type Check = (ok: boolean, what: string) => void;
export interface Recovery {
  fault: string;
  recoverySeconds: number;
  measure: string;
}

/** A message the sink accepted (answered 250 to its data). */
interface Received {
  messageId: string | null;
  to: string[];
  /** What makes two deliveries the same message: recipients, subject and body (not the Date header). */
  fingerprint: string;
  at: number;
}

export interface MailSink {
  /** What the API and the workers need to send here (merged into run.ts's appEnv). */
  env: Record<string, string>;
  received: Received[];
  /** RCPT TO refusals per address. */
  refusals: Map<string, number>;
  refuse(address: string): void;
  /** While on, each new connection is accepted and never answered. */
  hang(on: boolean): void;
  /** Connections held unanswered by a hang. */
  held(): number;
  /** Connections the clients reset in the middle of a transaction. */
  resets(): number;
  close(): Promise<void>;
}

const say = (m: string) => console.error(`[faults ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The outbox's Message-ID contract: `<sha256(dedupe_key)[:40]@the sender's domain>`. */
const messageIdOf = (dedupeKey: string) =>
  `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 40)}@${DOMAIN}>`;

/** Headers (unfolded, names in lower case) and body of a raw message. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Starts the sink on a free loopback port. */
export async function startMailSink(): Promise<MailSink> {
  const received: Received[] = [];
  const refusals = new Map<string, number>();
  const refused = new Set<string>();
  let hanging = false;
  let held = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      if (hanging) {
        held++; // accepted and never answered: the client's greeting timeout has to end it
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (refused.has(to)) {
        refusals.set(to, (refusals.get(to) ?? 0) + 1);
        return callback(
          Object.assign(new Error('5.1.1 mailbox unavailable (refused by the fault suite)'), {
            responseCode: 550,
          }),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const { headers, body } = parseMessage(Buffer.concat(chunks).toString('utf8'));
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase()).sort();
        received.push({
          messageId: headers.get('message-id') ?? null,
          to,
          fingerprint: createHash('sha256')
            .update(`${to.join(',')}\n${headers.get('subject') ?? ''}\n${body}`)
            .digest('hex'),
          at: Date.now(),
        });
        callback();
      });
    },
  });
  // A client that resets its connection mid-transaction (a worker killed, a send abandoned) is an error event of the
  // server: counted, never fatal to the suite (unheard, it would throw in this process).
  let resets = 0;
  server.on('error', () => resets++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    env: {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SMTP_FROM: `Cascade <no-reply@${DOMAIN}>`,
      // short timeouts so that a hang costs seconds, not minutes; the lease is then max(10 s, 6 × 2 s) = 12 s
      SMTP_TIMEOUT_MS: String(SMTP_TIMEOUT_MS),
      OUTBOX_LEASE_SECONDS: '10',
      OUTBOX_POLL_MS: '500',
    },
    received,
    refusals,
    refuse: (address) => refused.add(address.toLowerCase()),
    hang: (on) => (hanging = on),
    held: () => held,
    resets: () => resets,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

export interface MailFaults {
  sink: MailSink;
  /** The address the sink refuses for ever. */
  refused: string;
  /** How many users with an e-mail address were added. */
  recipients: number;
  /** Settles when the hang is over and its held-up mail delivered (never rejects). */
  hang: Promise<HangOutcome>;
}

interface HangOutcome {
  held: number;
  /** Rows due but not sent at the hang's end (the refused recipient's aside). */
  heldUp: number;
  /** Of those, the ones attempted (claimed, and timed out or lost with their worker) while the sink hung. */
  attempted: number;
  firstAfterSeconds?: number;
  allAfterSeconds?: number;
  error?: string;
}

/**
 * Adds the recipients through the API (one `POST /users/bulk` as the administrator), marks one of them refused, and
 * schedules the hang: on at `hangAt` (epoch ms) for `hangMs`. The grassroots units are taken in run.ts's order (its
 * reporters are the first `reporters` of them, one in five silent): two that report, two silent ones, and two beyond
 * the reporters that never report — one of those with the refused clerk and a leader who is not refused; the routing
 * parents of all six get a leader (the parent rung), and the issuer's leader (made by run.ts) gets the issuer rung.
 */
export async function startMailFaults(o: {
  sink: MailSink;
  units: SyntheticUnit[];
  reporters: number;
  postAsAdmin: (path: string, body: unknown) => Promise<Record<string, unknown>>;
  query: Query;
  hangAt: number;
  hangMs: number;
}): Promise<MailFaults> {
  const grassroots = o.units.filter((u) => u.kind === 'grassroots_union');
  const picked = [0, 1, 4, 9, o.reporters, o.reporters + 1].map((i) => grassroots[i]);
  if (picked.some((u) => !u)) throw new Error('too few grassroots units for the mail recipients');
  const tag = randomBytes(3).toString('hex');
  const address = (who: string) => `mail-${who}-${tag}@${DOMAIN}`;
  const refused = `refused-${tag}@${DOMAIN}`;
  const rows: { email: string; name: string; unitCode: string; role: string }[] = [];
  const add = (email: string, unitCode: string, role: string) =>
    rows.push({ email, name: `Hộp thư ${role} ${rows.length + 1}`, unitCode, role });
  picked.forEach((u, i) => add(i === 5 ? refused : address(`clerk-${i}`), u.code, 'clerk'));
  add(address('leader-0'), picked[0].code, 'leader');
  add(address('specialist-2'), picked[2].code, 'specialist');
  add(address('leader-5'), picked[5].code, 'leader');
  const parents = [...new Set(picked.map((u) => u.parentCode).filter((c): c is string => !!c))];
  parents.forEach((code, i) => add(address(`hub-leader-${i}`), code, 'leader'));
  const answer = await o.postAsAdmin('/users/bulk', rows);
  if (answer.failed !== 0 || answer.created !== rows.length)
    throw new Error(`mail recipients: ${JSON.stringify(answer.results)}`);
  o.sink.refuse(refused);
  say(
    `mail: ${rows.length} recipients in ${picked.length} grassroots units and ${parents.length} hubs; ${refused} is refused`,
  );
  return {
    sink: o.sink,
    refused,
    recipients: rows.length,
    hang: runHang(o.sink, o.query, refused, o.hangAt, o.hangMs).catch((error: Error): HangOutcome => ({
      held: o.sink.held(),
      heldUp: 0,
      attempted: 0,
      error: error.message,
    })),
  };
}

async function runHang(
  sink: MailSink,
  query: Query,
  refused: string,
  at: number,
  ms: number,
): Promise<HangOutcome> {
  await sleep(Math.max(0, at - Date.now()));
  sink.hang(true);
  say(`mail: the SMTP sink hangs (accepts, never answers) for ${ms / 1000} s`);
  await sleep(ms);
  sink.hang(false);
  const over = Date.now();
  // (retried: PostgreSQL may be down at this moment, fault 4)
  const pending = await waitFor(
    'the messages the hang held up',
    () =>
      query<{ id: string; attempts: number }>(
        `SELECT id::text, attempts FROM notification_outbox
          WHERE status = 'pending' AND lower(recipient_email) <> $1`,
        [refused],
      ),
    { timeoutMs: 60_000 },
  );
  const heldUp = pending.map((r) => r.id);
  const attempted = pending.filter((r) => r.attempts > 0).length;
  say(
    `mail: the sink answers again (${sink.held()} connections held, ${heldUp.length} messages held up, ${attempted} of them attempted)`,
  );
  const before = sink.received.length;
  await waitFor('a message delivered after the hang', () => sink.received.length > before, {
    timeoutMs: 120_000,
  });
  const first = Date.now();
  await waitFor(
    'every message the hang held up delivered',
    async () =>
      (
        await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM notification_outbox WHERE id = ANY($1::bigint[]) AND status <> 'sent'`,
          [heldUp],
        )
      )[0].n === 0,
    { timeoutMs: 240_000, intervalMs: 250 },
  );
  return {
    held: sink.held(),
    heldUp: heldUp.length,
    attempted,
    firstAfterSeconds: (first - over) / 1000,
    allAfterSeconds: (Date.now() - over) / 1000,
  };
}

/** The rungs a directive's ladder asks for (the overdue mark always), from its stored content. */
const LADDER_LEVELS: Record<string, string> = {
  remindBefore: 'reminded',
  parentAfter: 'parent',
  issuerAfter: 'issuer',
  aboveAfter: 'above',
};
const LEVELS = ['reminded', 'overdue', 'parent', 'issuer', 'above'];
/** A report this close to the instant a rung ran may or may not have been seen by it: not judged. */
const RACE_SECONDS = 3;

/** The mail invariants and the rungs; pushes the hang's recovery times. */
export async function checkMail(o: {
  mail: MailFaults;
  query: Query;
  check: Check;
  directiveId: string;
  cycles: number[];
  /** The API ports, any of which may answer `/health`. */
  apiPorts: number[];
  /** Where run.ts writes the processes' logs (worker-*.log). */
  logDir: string;
  recoveries: Recovery[];
}): Promise<void> {
  const { mail, query, check } = o;
  const hang = await mail.hang;
  check(
    !hang.error && hang.held > 0 && hang.attempted > 0,
    `the SMTP hang held ${hang.held} connections and ${hang.heldUp} messages (${hang.attempted} attempted during it), all delivered once it ended${hang.error ? ` (${hang.error})` : ''}`,
  );
  if (hang.firstAfterSeconds !== undefined && hang.allAfterSeconds !== undefined)
    o.recoveries.push(
      {
        fault: 'SMTP server hanging',
        recoverySeconds: hang.firstAfterSeconds,
        measure: 'hang over → next message delivered',
      },
      {
        fault: 'SMTP server hanging (backlog)',
        recoverySeconds: hang.allAfterSeconds,
        measure: 'hang over → every message it held up delivered',
      },
    );

  // the outbox drains: whatever is still due (the last aggregates, a retry's backoff) gets sent
  const pendingNow = async () =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notification_outbox WHERE status = 'pending'`,
      )
    )[0].n;
  await waitFor('the outbox to drain', async () => (await pendingNow()) === 0, {
    timeoutMs: 240_000,
    intervalMs: 500,
  }).catch(() => undefined);
  const rows = await query<{
    id: string;
    kind: string;
    email: string;
    dedupe_key: string;
    status: string;
    attempts: number;
  }>(
    `SELECT id::text, kind, lower(recipient_email) AS email, dedupe_key, status, attempts FROM notification_outbox`,
  );
  const pending = rows.filter((r) => r.status === 'pending');
  const dead = rows.filter((r) => r.status === 'dead');
  const refusedRows = rows.filter((r) => r.email === mail.refused);
  const deadOthers = dead.filter((r) => r.email !== mail.refused);
  check(
    pending.length === 0 && deadOthers.length === 0,
    `no outbox row left pending or dead but the refused recipient's (${pending.length} pending, ${deadOthers.length} others dead, of ${rows.length})`,
  );
  check(
    refusedRows.length > 0 &&
      refusedRows.every((r) => r.status === 'dead') &&
      (mail.sink.refusals.get(mail.refused) ?? 0) >= refusedRows.length,
    `every message to the refused recipient is dead (${refusedRows.filter((r) => r.status === 'dead').length}/${refusedRows.length}; the sink refused ${mail.sink.refusals.get(mail.refused) ?? 0} attempts)`,
  );

  // sent exactly once per dedupe key, as the sink counts them by Message-ID
  const sent = rows.filter((r) => r.status === 'sent');
  const byId = new Map<string, Received[]>();
  for (const m of mail.sink.received) {
    const list = byId.get(m.messageId ?? '') ?? [];
    list.push(m);
    byId.set(m.messageId ?? '', list);
  }
  const sentIds = new Set(sent.map((r) => messageIdOf(r.dedupe_key)));
  const lost = sent.filter((r) => !byId.has(messageIdOf(r.dedupe_key)));
  const misaddressed = sent.filter((r) => {
    const got = byId.get(messageIdOf(r.dedupe_key));
    return got && got.some((m) => m.to.length !== 1 || m.to[0] !== r.email);
  });
  const unknown = [...byId.keys()].filter((id) => !sentIds.has(id));
  const duplicates = mail.sink.received.length - byId.size;
  const differing = [...byId.values()].filter((l) => new Set(l.map((m) => m.fingerprint)).size > 1);
  check(
    sent.length > 0 &&
      byId.size === sent.length &&
      lost.length === 0 &&
      unknown.length === 0 &&
      misaddressed.length === 0 &&
      differing.length === 0,
    `every e-mail received once per dedupe key (${sent.length} rows sent, ${byId.size} distinct Message-IDs at the sink, ${lost.length} lost, ${unknown.length} unknown, ${misaddressed.length} misaddressed; ${duplicates} received again under the same Message-ID, ${differing.length} of those differing)`,
  );
  say(
    `mail: the sink received ${mail.sink.received.length} messages: ${duplicates} of them again under a Message-ID it had (resent after a kill or freeze); ${mail.sink.resets()} sessions reset by their client mid-transaction`,
  );
  const [latency] = await query<{ p50: number; p95: number; max: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s)::float8 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY s)::float8 AS p95, max(s)::float8 AS max
       FROM (SELECT extract(epoch FROM sent_at - created_at) AS s FROM notification_outbox WHERE status = 'sent') x`,
  );
  say(
    `mail: written → sent in ${latency.p50?.toFixed(1)} s (median), ${latency.p95?.toFixed(1)} s (95th percentile), ${latency.max?.toFixed(1)} s (max) over ${sent.length} messages`,
  );
  const ladder = (
    await query<{ ladder: Record<string, unknown> | null }>(
      `SELECT content->'reporting'->'escalation' AS ladder FROM directive WHERE id = $1`,
      [o.directiveId],
    )
  )[0].ladder;
  const expected = new Set([
    'overdue',
    ...Object.keys(ladder ?? {})
      .map((k) => LADDER_LEVELS[k])
      .filter(Boolean),
  ]);
  const kinds = [...expected].map((l) => `report.${l}`).concat('aggregate.reported');
  const perKind = kinds.map(
    (k) => [k, sent.filter((r) => r.kind === k && r.email !== mail.refused).length] as const,
  );
  check(
    perKind.every(([k, n]) => n > 0 || k === 'report.above'),
    `every kind of mail the run should send was sent (${perKind.map(([k, n]) => `${k} ${n}`).join(', ')})`,
  );

  // the refusal is reported: /health counts it and the worker's log says so
  const health = await waitFor(
    "an API's /health",
    async () => {
      for (const port of o.apiPorts) {
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
        if (res?.ok)
          return (await res.json()) as {
            details?: { outbox?: { pending: number; dead: number } };
            warnings?: string[];
          };
      }
      return undefined;
    },
    { timeoutMs: 30_000 },
  ).catch(() => undefined);
  const counted = health?.details?.outbox;
  check(
    dead.length > 0 &&
      counted?.dead === dead.length &&
      counted.pending === 0 &&
      (health?.warnings ?? []).some((w) => w.startsWith(`outbox: ${dead.length} notification(s) are dead`)),
    `/health reports the dead messages (details.outbox ${JSON.stringify(counted ?? null)}, ${dead.length} dead rows, warning ${(health?.warnings ?? []).some((w) => w.startsWith('outbox:')) ? 'present' : 'absent'})`,
  );
  const logs = readdirSync(o.logDir)
    .filter((f) => f.startsWith('worker') && f.endsWith('.log'))
    .map((f) => readFileSync(join(o.logDir, f), 'utf8'))
    .join('\n');
  const unlogged = dead.filter((r) => !new RegExp(`notification ${r.id} .*is dead`).test(logs));
  check(
    dead.length > 0 && unlogged.length === 0,
    `the worker logged each dead message (${dead.length - unlogged.length}/${dead.length})`,
  );

  // every rung fired for exactly the units that earned it
  for (const cycle of o.cycles)
    for (const level of LEVELS) {
      const [r] = await query<{ marked: number; missing: number; wrong: number; unsure: number }>(
        `WITH units AS (SELECT unit_id FROM routing_node
                         WHERE directive_id = $1 AND NOT is_hub AND status <> 'returned' AND recall_status IS NULL),
              first AS (SELECT unit_id, min(submitted_at) AS at, bool_or(NOT late) AS on_time FROM report
                         WHERE directive_id = $1 AND cycle = $2 GROUP BY unit_id),
              rung AS (SELECT unit_id, at FROM escalation WHERE directive_id = $1 AND cycle = $2 AND level = $3),
              fired AS (SELECT min(at) AS at FROM rung),
              judged AS (
                SELECT EXISTS (SELECT 1 FROM rung g WHERE g.unit_id = u.unit_id) AS has,
                       -- overdue: no on-time report; any later rung: no report at all when the rung ran
                       CASE WHEN $3 = 'overdue' THEN NOT coalesce(f.on_time, false)
                            ELSE f.at IS NULL OR f.at >= (SELECT at FROM fired) END AS earned,
                       $3 <> 'overdue' AND f.at IS NOT NULL
                         AND abs(extract(epoch FROM f.at - (SELECT at FROM fired))) < $4 AS unsure
                  FROM units u LEFT JOIN first f ON f.unit_id = u.unit_id)
         SELECT (SELECT count(*)::int FROM rung) AS marked,
                count(*) FILTER (WHERE coalesce(earned, true) AND NOT has AND NOT coalesce(unsure, false))::int AS missing,
                count(*) FILTER (WHERE NOT coalesce(earned, true) AND has AND NOT coalesce(unsure, false))::int AS wrong,
                count(*) FILTER (WHERE coalesce(unsure, false))::int AS unsure
           FROM judged`,
        [o.directiveId, cycle, level, RACE_SECONDS],
      );
      if (expected.has(level))
        check(
          r.marked > 0 && r.missing === 0 && r.wrong === 0,
          `cycle ${cycle}: the '${level}' rung fired for exactly the units that earned it (${r.marked} units, ${r.missing} missing, ${r.wrong} not due; ${r.unsure} reported within ${RACE_SECONDS} s of it, not judged)`,
        );
      else
        check(
          r.marked === 0,
          `cycle ${cycle}: no '${level}' rung, which the ladder does not have (${r.marked})`,
        );
    }
}
