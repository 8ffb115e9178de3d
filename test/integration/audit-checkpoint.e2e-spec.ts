/**
 * Signed checkpoints of the trail, kept outside the database: an owner of the database who rewrites an event and
 * every hash after it leaves a chain that verifies, and a checkpoint taken before that no longer does.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { CHAINED_EVENT_COLUMNS, eventHash, type ChainedEvent } from '@cascade/persistence';
import { startApi } from './support/apps';
import { cascade } from './support/cli';
import { auth, buildOrg, type Org } from './support/org';
import { newKey } from './support/ids';

jest.setTimeout(180_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
let directiveId: string;
const dir = mkdtempSync(join(tmpdir(), 'cascade-checkpoint-'));
const keyFile = join(dir, 'auditor.key.pem');
const publicKeyFile = join(dir, 'auditor.pub.pem');
const otherPublicKeyFile = join(dir, 'other.pub.pem');
const checkpointFile = join(dir, 'checkpoint.json');
const http = () => request(api.getHttpServer());

interface Verdict {
  valid: boolean;
  signatureValid: boolean;
  directives: number;
  broken: { directiveId: string; seq: number; problem: string }[];
}

/** The verdict on the checkpoint, as the CLI prints it with --json, for this test's directive. */
async function verifyCheckpoint(file: string, publicKey: string) {
  const run = await cascade('audit', 'verify-checkpoint', file, '--public-key', publicKey, '--json');
  const verdict = JSON.parse(run.stdout) as Verdict;
  return { code: run.code, ...verdict, ours: verdict.broken.filter((b) => b.directiveId === directiveId) };
}

beforeAll(async () => {
  const auditor = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, auditor.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(publicKeyFile, auditor.publicKey.export({ type: 'spki', format: 'pem' }));
  const other = generateKeyPairSync('ed25519');
  writeFileSync(otherPublicKeyFile, other.publicKey.export({ type: 'spki', format: 'pem' }));
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const created = await http()
    .post('/directives')
    .set(auth(org.tokens.clerk))
    .set('Idempotency-Key', newKey())
    .send({
      issuerId: org.ids.A,
      type: 'CV',
      subject: 'V/v kiểm tra điểm mốc của nhật ký',
      tasks: ['Thực hiện.'],
      addressees: { mode: 'children' },
    })
    .expect(201);
  directiveId = created.body.id;
  await http()
    .patch(`/directives/${directiveId}`)
    .set(auth(org.tokens.clerk))
    .send({
      version: 1,
      subject: 'V/v kiểm tra điểm mốc của nhật ký (sửa)',
      tasks: ['Thực hiện.'],
      addressees: { mode: 'children' },
    })
    .expect(200);
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
});

describe('signed checkpoints of the trail', () => {
  it('records every chain head, signed with the auditor key, and verifies while nothing changed', async () => {
    const taken = await cascade('audit', 'checkpoint', '--key', keyFile, '--out', checkpointFile);
    expect(taken.code).toBe(0);
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as {
      heads: { directiveId: string; seq: number }[];
    };
    expect(checkpoint.heads).toContainEqual(expect.objectContaining({ directiveId, seq: 2 }));
    const verdict = await verifyCheckpoint(checkpointFile, publicKeyFile);
    expect(verdict).toMatchObject({ signatureValid: true, ours: [] });
  });

  it('refuses a checkpoint altered after signing, or checked with another key', async () => {
    const altered = join(dir, 'altered.json');
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { heads: { hash: string }[] };
    checkpoint.heads[0].hash = '0'.repeat(64);
    writeFileSync(altered, JSON.stringify(checkpoint));
    expect(await verifyCheckpoint(altered, publicKeyFile)).toMatchObject({ code: 1, signatureValid: false });
    expect(await verifyCheckpoint(checkpointFile, otherPublicKeyFile)).toMatchObject({
      code: 1,
      signatureValid: false,
    });
  });

  it('finds a history rewritten by the database owner, hashes and head recomputed, that the chain alone accepts', async () => {
    // The owner disables the append-only trigger, changes the first event and rewrites every hash after it.
    await pg.query('BEGIN');
    await pg.query(`ALTER TABLE directive_event DISABLE TRIGGER directive_event_append_only`);
    await pg.query(`UPDATE directive_event SET reason = 'đã bị sửa' WHERE directive_id = $1 AND seq = 1`, [
      directiveId,
    ]);
    const events = await pg.query<ChainedEvent>(
      `SELECT ${CHAINED_EVENT_COLUMNS} FROM directive_event e WHERE e.directive_id = $1 ORDER BY e.seq`,
      [directiveId],
    );
    let prev = '';
    for (const event of events.rows) {
      const hash = eventHash(event, prev);
      await pg.query(`UPDATE directive_event SET prev_hash = $2, hash = $3 WHERE id = $1`, [
        event.id,
        prev,
        hash,
      ]);
      prev = hash;
    }
    await pg.query(`UPDATE directive_chain_head SET hash = $2 WHERE directive_id = $1`, [directiveId, prev]);
    await pg.query(`ALTER TABLE directive_event ENABLE TRIGGER directive_event_append_only`);
    await pg.query('COMMIT');

    // The chain alone cannot tell: it was recomputed consistently.
    const chain = await http()
      .get(`/directives/${directiveId}/audit/verify`)
      .set(auth(org.tokens.auditor))
      .expect(200);
    expect(chain.body.chains[0]).toMatchObject({ directiveId, valid: true });
    // The checkpoint taken before can.
    const verdict = await verifyCheckpoint(checkpointFile, publicKeyFile);
    expect(verdict.code).toBe(1);
    expect(verdict.signatureValid).toBe(true);
    expect(verdict.ours).toEqual([
      {
        directiveId,
        seq: 2,
        problem: 'the trail was rewritten: the event no longer has the hash the checkpoint recorded',
      },
    ]);
    const text = await cascade('audit', 'verify-checkpoint', checkpointFile, '--public-key', publicKeyFile);
    expect(text.stdout).toContain(`chain ${directiveId}: BROKEN at event 2`);
  });
});
