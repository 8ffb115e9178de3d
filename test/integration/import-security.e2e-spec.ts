/**
 * The document import against the tenant next door (issue 17, items 3 and 9): the names of a posted directive are
 * resolved only within the issuer's own hierarchy (its ancestors and everything below it), so a unit of another tree
 * or a sibling answers exactly like a name that does not exist; a line of 100,000 names is deduplicated, capped and
 * resolved at once; and a .docx whose parts inflate without limit (a zip bomb in word/styles.xml) is refused with a
 * stable code while the API keeps serving.
 */
import { INestApplication } from '@nestjs/common';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import request from 'supertest';
import { makeDocx } from '../fixtures/docx';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(180_000);

let api: INestApplication;
let org: Org;
const http = () => request(api.getHttpServer());
const tag = randomUUID().slice(0, 6).toUpperCase();
/** A unit in another tree (under X), with a name a clerk of A might type. */
/** The import's resolution of the foreign unit's name and code before the unit was made. */
let beforeItExisted: Resolution[];
let problemsBefore: string[];
let foreign: { id: string; code: string; name: string };

interface Resolution {
  text: string;
  status: string;
  unit: { unitId: string; code: string } | null;
  candidates: { unitId: string; code: string }[];
}

const letter = (addressees: string[]) => `LIÊN ĐOÀN ${org.prefix} A
Số: 5/LĐLĐ
V/v phạm vi tra cứu đơn vị ${tag}
Kính gửi:
${addressees.map((a) => `- ${a};`).join('\n')}

1. Triển khai thực hiện.
Nơi nhận:
- Như trên;
- ${foreign.name} (b/c);
- Lưu: VP.
TM. BAN THƯỜNG VỤ
CHỦ TỊCH
Nguyễn Văn A`;

const importAsClerk = (text: string) =>
  http().post(`/directives/import?issuerId=${org.ids.A}`).set(auth(org.tokens.clerk)).send({ text });

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  const code = `${org.prefix}-X-${tag}`;
  const name = `Công đoàn cơ sở Bệnh viện Đa khoa Hòa Bình ${tag}`;
  // What the import answers for its name and code while no such unit exists anywhere.
  foreign = { id: '', code, name };
  const before = (await importAsClerk(letter([name, code])).expect(200)).body as {
    resolution: { addressees: Resolution[] };
    problems: { message: string }[];
  };
  beforeItExisted = before.resolution.addressees;
  problemsBefore = before.problems.map((p) => p.message).filter((m) => m.includes(name) || m.includes(code));
  const imported = await http()
    .post('/units/import')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({ units: [{ code, name, kind: 'grassroots_union', parentCode: org.codes.X }] })
    .expect(200);
  foreign = { id: imported.body.created[0].id, code, name };
});

afterAll(async () => {
  await api?.close();
});

describe('POST /directives/import resolves names only within the issuer’s hierarchy', () => {
  it('answers a unit of another tree, by exact name or code, like a name that does not exist', async () => {
    const nowhere = `Công đoàn cơ sở Không Tồn Tại ${tag}`;
    const res = await importAsClerk(letter([foreign.name, nowhere])).expect(200);
    const [byName, missing] = res.body.resolution.addressees as Resolution[];
    // As before it existed (unmatched, unless its text is close to one of the caller's own units).
    expect(byName).toEqual(beforeItExisted[0]);
    expect(missing).toEqual({ text: nowhere, status: 'unmatched', unit: null, candidates: [] });
    // the problem reads as for a unit that does not exist
    const messages = (res.body.problems as { message: string }[]).map((p) => p.message);
    expect(messages.filter((m) => m.includes(foreign.name))).toEqual(
      problemsBefore.filter((m) => m.includes(foreign.name)),
    );
    expect(messages).toContain(`addressees: "${nowhere}" is not in the registry`);
    // nowhere in the answer (copy recipients included): neither its id nor its code
    expect(JSON.stringify(res.body)).not.toContain(foreign.id);
    expect(JSON.stringify(res.body)).not.toContain(foreign.code);

    // By name and by code: answered exactly as before the unit existed (a text may still be close to the caller's
    // own units, which it may see: then it is "ambiguous" among those, before as after).
    const byCode = await importAsClerk(letter([foreign.name, foreign.code])).expect(200);
    expect(byCode.body.resolution.addressees).toEqual(beforeItExisted);
    for (const seen of (byCode.body.resolution.addressees as Resolution[]).flatMap((r) => r.candidates))
      expect([org.ids.A, org.ids.A1, org.ids.R]).toContain(seen.unitId);
    expect(JSON.stringify(byCode.body)).not.toContain(foreign.id);
  });

  it('gives no candidates from another tree or a sibling for a loose name; its own units still match', async () => {
    const loose = `Công đoàn Bệnh viện Đa khoa Hòa Bình ${tag}`;
    const sibling = `Liên đoàn ${org.prefix} B`;
    const res = await importAsClerk(
      letter([loose, sibling, `Công đoàn ${org.prefix} A1`, org.codes.A1]),
    ).expect(200);
    const [looseName, siblingName, child, childCode] = res.body.resolution.addressees as Resolution[];
    for (const resolution of [looseName, siblingName]) {
      expect(resolution.status).not.toBe('matched');
      for (const seen of [resolution.unit, ...resolution.candidates].filter(Boolean))
        expect([org.ids.A, org.ids.A1, org.ids.R]).toContain(seen!.unitId);
    }
    const body = JSON.stringify(res.body);
    for (const hidden of [foreign.id, org.ids.B, org.ids.X]) expect(body).not.toContain(hidden);
    expect(child).toMatchObject({ status: 'matched', unit: { unitId: org.ids.A1, code: org.codes.A1 } });
    expect(childCode).toMatchObject({ status: 'matched', unit: { unitId: org.ids.A1 } });
    expect(res.body.draft.addressees).toEqual({ mode: 'units', unitIds: [org.ids.A1] });
  });

  it('resolves a line of 110,000 names at once: deduplicated, capped, the rest said to be unresolved', async () => {
    // 110,000 names of which 100,000 distinct, on one line of about 850,000 characters
    const names = Array.from({ length: 110_000 }, (_, i) => `u${i % 100_000}`);
    const line = `Kính gửi: ${names.join('; ')}`;
    expect(line.length).toBeGreaterThan(800_000);
    const text = `Số: 7/LĐLĐ\nV/v danh sách dài\n${line}\n1. Triển khai.\n`;
    const started = Date.now();
    const res = await http()
      .post(`/directives/import?issuerId=${org.ids.A}`)
      .set(auth(org.tokens.clerk))
      .send({ text })
      .timeout(60_000);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    const resolved = res.body.resolution.addressees as Resolution[];
    expect(resolved.length).toBeLessThanOrEqual(200);
    expect(new Set(resolved.map((r) => r.text)).size).toBe(resolved.length);
    expect(res.body.resolution.unresolved).toBe(100_000 - resolved.length);
    expect(res.body.problems).toContainEqual({
      field: 'addressees',
      message: expect.stringMatching(/were not resolved/),
    });
    expect(res.body.problems.length).toBeLessThanOrEqual(210);
  });
});

/** A .docx of a short letter whose word/styles.xml inflates to `megabytes` MB of zeros. */
async function docxBomb(megabytes: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await makeDocx(letter([`Công đoàn ${org.prefix} A1`])));
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  const zeros = new Readable({
    read() {
      this.push(sent++ < megabytes ? chunk : null);
    },
  });
  zip.file('word/styles.xml', zeros);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

describe('a .docx that inflates without limit', () => {
  it('is refused with 413 TOO_LARGE, quickly, and the API keeps serving', async () => {
    const bomb = await docxBomb(200);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const res = await http()
      .post(`/directives/import?issuerId=${org.ids.A}`)
      .set(auth(org.tokens.clerk))
      .attach('file', bomb, 'cv.docx')
      .timeout(30_000);
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 413, code: 'TOO_LARGE' });
    expect(res.body.error.message).toMatch(/^file: /);
    expect(Date.now() - started).toBeLessThan(10_000);
    // the next request is served as usual
    const docx = await http()
      .post(`/directives/import?issuerId=${org.ids.A}`)
      .set(auth(org.tokens.clerk))
      .attach('file', await makeDocx(letter([`Công đoàn ${org.prefix} A1`])), 'cv.docx')
      .expect(200);
    expect(docx.body.resolution.addressees[0]).toMatchObject({ unit: { unitId: org.ids.A1 } });
  });
});
