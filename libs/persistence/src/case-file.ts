import type { DataSource, EntityManager } from 'typeorm';
import {
  directiveFamily,
  familyTimelinePage,
  verifyFamily,
  type TimelineEvent,
  type TimelineKey,
} from './audit';
import type { KeysetPage, PageRequest } from './keyset';

export interface CaseFile {
  generatedAt: string;
  directive: {
    id: string;
    status: string;
    symbol: string | null;
    type: string;
    issuer: string;
    content: { subject?: string; tasks?: string[]; place?: string } & Record<string, unknown>;
    signedAt: string | null;
    signer: { authority: string | null; position: string | null; name: string | null } | null;
    sha256: string | null;
  };
  implementing: { id: string; symbol: string | null; issuer: string; subject: string | null }[];
  verification: Awaited<ReturnType<typeof verifyFamily>>;
  /** A page of the timeline (`familyTimelinePage`); `nextCursor` is the API's cursor of the next page. */
  timeline: { items: TimelineEvent[]; nextCursor: string | null };
}

/** The case file as read, its timeline a keyset page (the API encodes its key as the cursor). */
export type StoredCaseFile = Omit<CaseFile, 'timeline'> & {
  timeline: KeysetPage<TimelineEvent, TimelineKey>;
};

/**
 * The case file of a directive: the document, its implementing directives, the verification and a page of the
 * timeline (the whole trail of a long-running directive is read page by page).
 */
export async function buildCaseFile(
  db: DataSource | EntityManager,
  directiveId: string,
  timeline: PageRequest<TimelineKey>,
): Promise<StoredCaseFile | null> {
  const rows: {
    id: string;
    status: string;
    symbol: string | null;
    doc_type: string;
    issuer: string;
    content: CaseFile['directive']['content'];
    signed_at: Date | null;
    signer_authority: string | null;
    signer_position: string | null;
    signer_name: string | null;
    canonical_sha256: string | null;
  }[] = await db.query(
    `SELECT d.id::text, d.status, d.symbol, d.doc_type, u.name AS issuer, d.content, d.signed_at, d.signer_authority,
            d.signer_position, d.signer_name, d.canonical_sha256
       FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1`,
    [directiveId],
  );
  if (!rows.length) return null;
  const directive = rows[0];
  const family = await directiveFamily(db, directiveId);
  const implementing: CaseFile['implementing'] = await db.query(
    `SELECT d.id::text, d.symbol, u.name AS issuer, d.content->>'subject' AS subject
       FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = ANY($1::uuid[]) AND d.id <> $2 ORDER BY d.created_at`,
    [family, directiveId],
  );
  return {
    generatedAt: new Date().toISOString(),
    directive: {
      id: directive.id,
      status: directive.status,
      symbol: directive.symbol,
      type: directive.doc_type,
      issuer: directive.issuer,
      content: directive.content,
      signedAt: directive.signed_at?.toISOString() ?? null,
      signer: directive.signer_name
        ? {
            authority: directive.signer_authority,
            position: directive.signer_position,
            name: directive.signer_name,
          }
        : null,
      sha256: directive.canonical_sha256,
    },
    implementing,
    verification: await verifyFamily(db, directiveId),
    timeline: await familyTimelinePage(db, family, {}, timeline),
  };
}

const escapeHtml = (s: string | number | null | undefined): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The case file as a printable HTML page, in Vietnamese (print it to PDF from a browser); `nextHref`: where the
 * timeline's next page is (absent: this page is the last, or the whole timeline).
 */
export function caseFileHtml(file: CaseFile, nextHref?: string): string {
  const d = file.directive;
  const rows = file.timeline.items
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.at)}</td><td>${escapeHtml(e.symbol)}</td><td>${escapeHtml(e.action)}</td>` +
        `<td>${escapeHtml(e.actorName)}</td><td>${escapeHtml(e.actorUnitName)}</td><td>${escapeHtml(e.reason)}</td>` +
        `<td><code>${escapeHtml(e.hash.slice(0, 16))}…</code></td></tr>`,
    )
    .join('\n');
  const broken = file.verification.chains.filter((c) => !c.valid);
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Hồ sơ kiểm tra ${escapeHtml(d.symbol ?? d.id)}</title>
<style>body{font-family:"Times New Roman",serif;margin:2em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #999;padding:4px;font-size:12px;vertical-align:top}h1{font-size:20px}
.ok{color:#064}.bad{color:#a00}@media print{body{margin:0}}</style></head><body>
<h1>Hồ sơ kiểm tra văn bản ${escapeHtml(d.symbol ?? '(chưa ký)')} — ${escapeHtml(d.issuer)}</h1>
<p><strong>Trích yếu:</strong> ${escapeHtml(d.content.subject)}<br>
<strong>Trạng thái:</strong> ${escapeHtml(d.status)} · <strong>Ký:</strong> ${escapeHtml(d.signer?.authority)}
${escapeHtml(d.signer?.position)} ${escapeHtml(d.signer?.name)} · ${escapeHtml(d.signedAt)}<br>
<strong>SHA-256:</strong> <code>${escapeHtml(d.sha256)}</code></p>
<p><strong>Kiểm tra:</strong> <span class="${file.verification.valid ? 'ok' : 'bad'}">${
    file.verification.valid
      ? 'toàn vẹn: chuỗi băm và chữ ký số hợp lệ'
      : `KHÔNG toàn vẹn${broken.map((c) => ` — ${escapeHtml(c.directiveId)}: sự kiện ${c.firstBroken?.seq} (${escapeHtml(c.firstBroken?.problem)})`).join('')}`
  }</span></p>
<h2>Nhiệm vụ</h2>
<ol>${(d.content.tasks ?? []).map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ol>
<h2>Văn bản triển khai</h2>
<ul>${file.implementing.map((i) => `<li>${escapeHtml(i.symbol)} — ${escapeHtml(i.issuer)}: ${escapeHtml(i.subject)}</li>`).join('') || '<li>(không có)</li>'}</ul>
<h2>Diễn biến</h2>
<table><thead><tr><th>Thời điểm (UTC)</th><th>Văn bản</th><th>Hành động</th><th>Người</th><th>Đơn vị</th><th>Lý do</th><th>Băm</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${nextHref ? `<p><a href="${escapeHtml(nextHref)}">Trang sau của diễn biến</a></p>` : ''}
<p>Lập lúc ${escapeHtml(file.generatedAt)} bởi Cascade.</p>
</body></html>
`;
}

/** The case file with its whole timeline, read page by page (the CLI's export of the record). */
export async function wholeCaseFile(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<CaseFile | null> {
  const first = await buildCaseFile(db, directiveId, { after: null, limit: 1000 });
  if (!first) return null;
  const items = [...first.timeline.items];
  let next = first.timeline.next;
  const family = next === null ? [] : await directiveFamily(db, directiveId);
  while (next !== null) {
    const page = await familyTimelinePage(db, family, {}, { after: next, limit: 1000 });
    items.push(...page.items);
    next = page.next;
  }
  return { ...first, timeline: { items, nextCursor: null } };
}
