import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addressedByKind, DOC_TYPE_CODES, foldVietnamese, type DocType } from '@cascade/domain';
import {
  DocumentInputError,
  importDocument,
  looksLikeDirective,
  type DocumentErrorCode,
  type ImportView,
} from '@cascade/documents';
import {
  receivedBySymbols,
  routedDirectivesBySymbols,
  unitsNamedLikeWithin,
  unitsNear,
  type NamedUnit,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from '../directives/directive-error-codes';

/** How each unreadable document is answered. */
export const STATUS_OF: Record<DocumentErrorCode, HttpStatus> = {
  EMPTY_DOCUMENT: HttpStatus.BAD_REQUEST,
  BINARY_CONTENT: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  UNSUPPORTED_FORMAT: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  UNREADABLE_DOCX: HttpStatus.UNPROCESSABLE_ENTITY,
  MALFORMED_XML: HttpStatus.BAD_REQUEST,
  XML_DTD_FORBIDDEN: HttpStatus.BAD_REQUEST,
  NOT_EDXML: HttpStatus.UNPROCESSABLE_ENTITY,
  TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  EDXML_ELEMENT_MISSING: HttpStatus.UNPROCESSABLE_ENTITY,
  EDXML_ELEMENT_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** Abbreviations of body names in directives, expanded before names are compared. */
const ABBREVIATIONS: [RegExp, string][] = [
  [/\bldld\b/g, 'lien doan lao dong'],
  [/\bcdcs\b/g, 'cong doan co so'],
  [/\bcdvc\b/g, 'cong doan vien chuc'],
  [/\btld\b/g, 'tong lien doan lao dong viet nam'],
  [/\bbtv\b/g, 'ban thuong vu'],
  [/\bbch\b/g, 'ban chap hanh'],
  [/\bubnd\b/g, 'uy ban nhan dan'],
  [/\btu\b/g, 'tinh uy'],
  [/\bhu\b/g, 'huyen uy'],
  [/\btg\b/g, 'tuyen giao'],
  [/\bnc\b/g, 'nu cong'],
  [/\bcd\b/g, 'cong doan'],
];

/** Accent-insensitive key of a body's name, with its usual abbreviations spelled out. */
export function nameKey(name: string): string {
  let key = foldVietnamese(name)
    .replace(/[–—-]/g, ' ')
    .replace(/[^a-z0-9 ]/g, ' ');
  for (const [re, full] of ABBREVIATIONS) key = key.replace(re, full);
  return key.replace(/\s+/g, ' ').trim();
}

export interface UnitRef {
  unitId: string;
  code: string;
  name: string;
}

export interface Resolution {
  text: string;
  /** matched: one unit; ambiguous: several candidates, pick one; unmatched: none in the registry; subordinates: "… trực thuộc" */
  status: 'matched' | 'ambiguous' | 'unmatched' | 'subordinates';
  unit: UnitRef | null;
  candidates: UnitRef[];
}

type UnitRow = NamedUnit;

/**
 * How many distinct names (and cited numbers) one import resolves. A directive names tens of units; a text naming
 * more is answered with the first ones resolved and the others said to be unresolved, so a line of 100,000 names
 * costs the same as one of 200.
 */
export const MAX_RESOLVED_NAMES = 200;

const ref = (u: UnitRow): UnitRef => ({ unitId: u.id, code: u.code, name: u.name });

/**
 * `POST /directives/import`: reads a directive from its text (plain text, .docx, edXML) and answers a draft of it for
 * the issuer's clerk to confirm (`POST /directives`): every part found with its span and confidence, the units it
 * names resolved against the registry (accent-insensitive, by name, abbreviation or code; relative names such as
 * "LĐLĐ tỉnh" against the issuer's own parents and subordinates; candidates when ambiguous), and what is left for
 * the clerk. Nothing is stored.
 */
@Injectable()
export class DirectiveImportService {
  constructor(private readonly dataSource: DataSource) {}

  async import(
    issuerId: string,
    data: Buffer,
    hint: { filename?: string; mediaType?: string; field: string },
  ) {
    let imported;
    try {
      imported = await importDocument(data, hint);
    } catch (e) {
      if (e instanceof DocumentInputError)
        throw new ApiError(STATUS_OF[e.code], e.code, e.message, { field: e.field });
      throw e;
    }
    const view = imported.view;
    if (!looksLikeDirective(view))
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.NOTHING_FOUND,
        `${hint.field}: nothing of a directive was found in this text (no number, date, type, subject, addressees, tasks or signer)`,
        { field: hint.field, missing: view.missing },
      );
    const context = await this.context(issuerId);
    // each name once, the short lists first so that a long list of addressees cannot crowd them out
    const routes = view.reporting?.routes ?? [];
    const named = view.recipients.filter((r) => r.role !== 'addressees' && r.role !== 'filed');
    const lists = {
      issuer: view.issuerName ? [view.issuerName] : [],
      'reporting.targets': routes.map((t) => t.name),
      copyRecipients: named.map((r) => r.name),
      addressees: view.addressees,
    };
    const { resolved, departments } = await this.resolveAll(
      Object.values(lists).flat(),
      context,
      new Set(view.addressees),
    );
    const issuer = view.issuerName ? resolved.get(view.issuerName)! : null;
    const addressees = [...new Set(view.addressees)].flatMap((name) => resolved.get(name) ?? []);
    const recipients = view.recipients.map((r) => ({
      ...r,
      resolution: r.role === 'addressees' || r.role === 'filed' ? null : (resolved.get(r.name) ?? null),
    }));
    const seen = new Set<string>();
    const targets = routes
      .filter((t) => resolved.has(t.name) && !seen.has(t.name) && seen.add(t.name))
      .map((t) => ({ ...t, resolution: resolved.get(t.name)! }));
    const basis = await this.basis(view.basis, issuerId);

    const problems: { field: string; message: string }[] = [];
    const type = toDocType(view.documentTypeCode);
    if (!type)
      problems.push({
        field: 'type',
        message: view.documentType
          ? `type: "${view.documentType}" is not a type Cascade issues (${DOC_TYPE_CODES.join(', ')}): choose one`
          : 'type: the text names no type: choose one',
      });
    if (imported.text.length > 200_000)
      problems.push({
        field: 'body',
        message: 'body: the text is over 200,000 characters and is not kept as the body',
      });
    if (!view.subject) problems.push({ field: 'subject', message: 'subject: the text has none: type it' });
    if (!view.tasks.length)
      problems.push({ field: 'tasks', message: 'tasks: no numbered task was found: add them' });
    if (issuer && issuer.unit?.unitId !== issuerId)
      problems.push({
        field: 'issuerId',
        message: `issuerId: the text is issued by "${view.issuerName}", which is not your unit ${context.issuer.name}: check the issuer`,
      });
    const children = addressees.some((a) => a.status === 'subordinates');
    const unitIds = [
      ...new Set(
        addressees
          .filter((a) => a.status === 'matched' && a.unit!.unitId !== issuerId)
          .map((a) => a.unit!.unitId),
      ),
    ];
    // "Các … trực thuộc" takes the executing units right below the issuer (`addressedByKind`); a department named
    // beside it is kept by listing it, which reaches only the issuer's own departments.
    const direct = new Set(context.near.filter((u) => u.relation === 'child').map((u) => u.id));
    const namedDepartments = unitIds.filter((unitId) => departments.has(unitId));
    if (children)
      addressees
        .filter(
          (a) => a.status === 'matched' && departments.has(a.unit!.unitId) && !direct.has(a.unit!.unitId),
        )
        .forEach((a) =>
          problems.push({
            field: 'addressees',
            message: `addressees: "${a.text}" is a department that is not the issuer's own, beside subordinates addressed by kind: pick the addressees`,
          }),
        );
    addressees
      .filter((a) => a.status === 'ambiguous' || a.status === 'unmatched')
      .forEach((a) =>
        problems.push({
          field: 'addressees',
          message: `addressees: "${a.text}" is ${a.status === 'ambiguous' ? 'ambiguous: pick one of the candidates' : 'not in the registry'}`,
        }),
      );
    if (!children && !unitIds.length)
      problems.push({ field: 'addressees', message: 'addressees: no addressee was resolved: pick them' });
    // the names beyond the cap: said once per list, with how many were left
    let unresolved = 0;
    for (const [field, names] of Object.entries(lists)) {
      const left = new Set(names.filter((name) => !resolved.has(name))).size;
      unresolved += left;
      if (left)
        problems.push({
          field,
          message: `${field}: the text names more than ${MAX_RESOLVED_NAMES} units; ${left} of them were not resolved: pick them`,
        });
    }

    const reporting = view.reporting ? this.reporting(view, targets, context, problems) : undefined;
    const draft = {
      issuerId,
      type,
      subject: view.subject,
      place: view.place ?? undefined,
      // the text itself, kept with the directive (when it fits the directive's body)
      body: imported.text && imported.text.length <= 200_000 ? imported.text : undefined,
      tasks: view.tasks,
      addressees: children
        ? {
            mode: 'children' as const,
            ...(namedDepartments.length ? { unitIds: namedDepartments } : {}),
          }
        : { mode: 'units' as const, unitIds },
      copyRecipients: recipients
        .filter((r) => r.role !== 'addressees')
        .map((r) => ({
          name: r.name,
          role:
            r.role === 'report'
              ? ('report' as const)
              : r.role === 'filed'
                ? ('filed' as const)
                : ('info' as const),
          ...(r.resolution?.status === 'matched' ? { unitId: r.resolution.unit!.unitId } : {}),
        })),
      implements: basis.map((b) =>
        b.directiveId
          ? { directiveId: b.directiveId }
          : {
              code: b.code,
              ...(b.date ? { date: b.date } : {}),
              ...(b.issuerName ? { issuerName: b.issuerName } : {}),
            },
      ),
      ...(reporting ? { reporting } : {}),
    };
    return {
      format: imported.format,
      parsed: view,
      draft,
      resolution: {
        issuer,
        addressees,
        recipients,
        reportingTargets: targets,
        implements: basis,
        // how many distinct names were beyond MAX_RESOLVED_NAMES and left for the clerk
        unresolved,
      },
      problems,
      ready: problems.length === 0,
      confirm: { method: 'POST', path: '/directives', body: 'draft' },
    };
  }

  private reporting(
    view: ImportView,
    targets: { name: string; role: string; resolution: Resolution }[],
    context: Awaited<ReturnType<DirectiveImportService['context']>>,
    problems: { field: string; message: string }[],
  ) {
    const issuerId = context.issuerId;
    const s = view.reporting!.schedule;
    const issued = view.issuedDate ?? new Date().toISOString().slice(0, 10);
    let schedule: Record<string, unknown> | null = null;
    if (s?.kind === 'monthly') {
      const from = s.from ?? issued.slice(0, 7);
      if (!s.from)
        problems.push({
          field: 'reporting.schedule.from',
          message: `reporting.schedule.from: the text gives no first month: set to ${from} (the month of issue)`,
        });
      schedule = { kind: 'monthly', rule: s.rule, day: s.day, from, ...(s.until ? { until: s.until } : {}) };
    } else if (s?.kind === 'dates' || s?.kind === 'adhoc') schedule = { ...s };
    else if (s?.kind === 'periodic' && s.day !== undefined && s.rule) {
      const from = s.every === 'week' ? issued : issued.slice(0, 7);
      problems.push({
        field: 'reporting.schedule.from',
        message: `reporting.schedule.from: the text gives no first period: set to ${from} (the period of issue)`,
      });
      schedule = { kind: 'periodic', every: s.every, rule: s.rule, day: s.day, from };
    } else if (s?.kind === 'periodic')
      problems.push({
        field: 'reporting.schedule.day',
        message: `reporting.schedule.day: the text asks for a report every ${s.every} but gives no day: set it`,
      });
    else
      problems.push({
        field: 'reporting.schedule',
        message: 'reporting.schedule: the text asks for a report but gives no deadline: set one',
      });
    const phases = this.phases(view, problems);
    // the issuer receives its own subordinates' reports; the bodies above that get its aggregate are targets
    const matched = (t: { role: string; resolution: Resolution }) =>
      t.resolution.status === 'matched' && t.resolution.unit!.unitId !== issuerId;
    const extra = targets
      .filter((t) => (t.role === 'to' || t.role === 'aggregate') && matched(t))
      .map((t) => t.resolution.unit!.unitId);
    const route = this.route(view, context, extra, problems);
    const main = schedule ?? phases;
    // No deadline in the text (a problem says so): what it says of where reports go is kept for the clerk.
    if (!main)
      return route || extra.length
        ? {
            ...(extra.length ? { targets: [...new Set(extra)] } : {}),
            ...(route ? { routes: [route] } : {}),
          }
        : undefined;
    return {
      schedule: main,
      ...(extra.length ? { targets: [...new Set(extra)] } : {}),
      ...(route ? { routes: [route] } : {}),
      ...(schedule && phases ? { schedules: [{ key: 'phases', name: 'Các đợt', schedule: phases }] } : {}),
    };
  }

  /** A plan's phases: a phase with no opening day opens the day after the one before closes; else the clerk sets it. */
  private phases(view: ImportView, problems: { field: string; message: string }[]) {
    const parsed = view.reporting?.phases ?? [];
    if (!parsed.length) return null;
    const phases: { name: string; opens: string; closes?: string }[] = [];
    for (const p of parsed) {
      const before = phases[phases.length - 1]?.closes;
      const opens = p.opens ?? (before ? dayAfter(before) : null);
      if (!opens) {
        problems.push({
          field: 'reporting.schedules.phases',
          message: `reporting.schedules.phases: "${p.text}" gives no date it opens: set the phases' windows`,
        });
        return null;
      }
      phases.push({ name: p.name, opens, ...(p.closes ? { closes: p.closes } : {}) });
    }
    return { kind: 'phases', phases };
  }

  /**
   * The issuer's route: the department of the issuer that receives ("qua Ban …") or aggregates ("Giao Ban … tổng
   * hợp") its units' reports, and the bodies its aggregate goes to ("báo cáo A và B"). A department is a unit of kind
   * department under the issuer; a name that is none stays text, with a problem.
   */
  private route(
    view: ImportView,
    context: Awaited<ReturnType<DirectiveImportService['context']>>,
    to: string[],
    problems: { field: string; message: string }[],
  ) {
    const routes = view.reporting?.routes ?? [];
    const departments = context.near.filter((u) => u.relation === 'child' && u.kind === 'department');
    let viaUnitId: string | undefined;
    for (const t of routes.filter((r) => r.role === 'via' || r.role === 'aggregator')) {
      const key = nameKey(t.name);
      const hits = departments.filter(
        (d) => d.key === key || key.startsWith(d.key + ' ') || d.key.startsWith(key),
      );
      if (hits.length === 1) viaUnitId ??= hits[0].id;
      else
        problems.push({
          field: 'reporting.routes',
          message: `reporting.routes: "${t.name}" is ${hits.length ? 'ambiguous among' : 'not one of'} the departments of ${context.issuer.name}: pick it`,
        });
    }
    return viaUnitId
      ? { viaUnitId, ...(to.length ? { to: [...new Set(to)].map((unitId) => ({ unitId })) } : {}) }
      : null;
  }

  private async basis(cited: ImportView['basis'], issuerId: string) {
    // a directive registered here under that number, routed to the issuer: the link is checked when the draft is
    // saved; the first MAX_RESOLVED_NAMES numbers are looked up, at once
    const codes = [...new Set(cited.map((b) => b.code))].slice(0, MAX_RESOLVED_NAMES);
    const found = await routedDirectivesBySymbols(this.dataSource, codes, issuerId);
    const resolved = cited.map((b) => ({ ...b, directiveId: found.get(b.code) ?? null }));
    return this.receivedBasis(resolved, codes, issuerId);
  }

  /**
   * The bases still unresolved, against the documents the issuer registered as received from outside (its incoming
   * register): by symbol, spacing, case and dashes folded, and date.
   */
  private async receivedBasis<T extends { code: string; date: string | null; directiveId: string | null }>(
    resolved: T[],
    codes: string[],
    issuerId: string,
  ): Promise<T[]> {
    const open = resolved
      .filter((b) => !b.directiveId && codes.includes(b.code))
      .slice(0, MAX_RESOLVED_NAMES);
    const found = await receivedBySymbols(this.dataSource, issuerId, open);
    open.forEach((b, i) => (b.directiveId = found[i]));
    return resolved;
  }

  private async context(issuerId: string) {
    const rows = await unitsNear(this.dataSource, issuerId);
    const issuer = rows.find((r) => r.relation === 'self');
    if (!issuer)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        `issuerId: unit not found`,
      );
    return { issuerId, issuer, near: rows.map((r) => ({ ...r, key: nameKey(r.name) })) };
  }

  /**
   * The names of the text to units of the registry, each distinct name once and at most MAX_RESOLVED_NAMES of them
   * (the others are absent from the answer). Only the issuer's own hierarchy is searched (its ancestors and
   * everything below it, which is all it may address): a unit of another tree or a sibling is answered like a name
   * that does not exist. The names not settled by the issuer's near units are looked up in one statement.
   *
   * An addressee (`addressees`) follows the addressing rule by kind (`addressedByKind`): a department resolves only
   * when named exactly (its name, abbreviation or code), never by a loose or relative name, so that "Công đoàn cơ sở
   * …" is not taken for a department of a similar name. Answers the departments among the units matched, by id.
   */
  private async resolveAll(
    texts: string[],
    context: Awaited<ReturnType<DirectiveImportService['context']>>,
    addressees: ReadonlySet<string>,
  ): Promise<{ resolved: Map<string, Resolution>; departments: Set<string> }> {
    const names = [...new Set(texts)].slice(0, MAX_RESOLVED_NAMES);
    const out = new Map<string, Resolution>();
    const departments = new Set<string>();
    const answerOf = (text: string, status: Resolution['status'], units: UnitRow[]) => {
      if (status === 'matched' && units[0].kind === 'department') departments.add(units[0].id);
      return answer(text, status, units);
    };
    // loose candidates of an addressee: executing units only
    const loose = (text: string, units: UnitRow[]) =>
      addressees.has(text) ? units.filter((u) => addressedByKind(u.kind, false)) : units;
    const looked: { text: string; key: string; relative: UnitRow[] }[] = [];
    for (const text of names) {
      const key = nameKey(text);
      if (/\btruc thuoc\b/.test(key) || /^cac\b/.test(key)) {
        out.set(text, answer(text, 'subordinates', []));
        continue;
      }
      // exact code or name, near the issuer first
      const exactNear = context.near.filter(
        (u) => u.key === key || u.code.toLowerCase() === text.trim().toLowerCase(),
      );
      if (exactNear.length === 1) {
        out.set(text, answerOf(text, 'matched', exactNear));
        continue;
      }
      // a relative name ("LĐLĐ tỉnh", "Liên đoàn Lao động huyện"): the issuer, a parent or a subordinate it starts
      const relative = loose(
        text,
        context.near.filter((u) => key.length >= 8 && u.key.startsWith(key)),
      );
      if (relative.length === 1) {
        out.set(text, answerOf(text, 'matched', relative));
        continue;
      }
      looked.push({ text, key, relative });
    }
    const found = await unitsNamedLikeWithin(
      this.dataSource,
      context.issuerId,
      looked.map((n) => ({ folded: n.key, text: n.text.trim() })),
    );
    looked.forEach(({ text, key, relative }, i) => {
      const all = found[i];
      const exact = all.filter(
        (r) => r.code.toLowerCase() === text.trim().toLowerCase() || r.name_folded === key,
      );
      const rows = loose(text, all);
      const close = rows.filter((r) => (r.score ?? 0) >= 0.5);
      out.set(
        text,
        exact.length === 1
          ? answerOf(text, 'matched', exact)
          : exact.length > 1
            ? answer(text, 'ambiguous', exact)
            : close.length === 1 || (close.length > 1 && close[0].score! - close[1].score! >= 0.15)
              ? answerOf(text, 'matched', close)
              : relative.length > 1
                ? answer(text, 'ambiguous', relative)
                : rows.length
                  ? answer(text, 'ambiguous', rows.slice(0, 5))
                  : answer(text, 'unmatched', []),
      );
    });
    return { resolved: out, departments };
  }
}

function answer(text: string, status: Resolution['status'], units: UnitRow[]): Resolution {
  return {
    text,
    status,
    unit: status === 'matched' ? ref(units[0]) : null,
    candidates: status === 'ambiguous' ? units.map(ref) : [],
  };
}

function dayAfter(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function toDocType(code: string | null): DocType | null {
  if (!code) return null;
  const c = code === 'QĐ' ? 'QD' : code;
  return (DOC_TYPE_CODES as string[]).includes(c) ? (c as DocType) : null;
}
