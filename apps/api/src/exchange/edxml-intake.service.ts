import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DOC_TYPE_CODES, foldVietnamese, normalizeText, DOC_TYPES, type DocType } from '@cascade/domain';
import {
  DocumentInputError,
  edxmlCode,
  EDXML_STATUS,
  readEdxml,
  type EdxmlDocument,
  type EdxmlMessage,
  type EdxmlStatus,
} from '@cascade/documents';
import {
  appendEvent,
  attachReceivedFiles,
  edxmlMessage,
  insertReceived,
  issuedDirectiveBySymbol,
  nodeAnswer,
  receivedNode,
  recordEdxmlMessage,
  recordNodeProgress,
  unitsByOrganIds,
  withConnector,
  type OrganUnit,
} from '@cascade/persistence';
import { attachmentName, attachmentType, idsFromPath } from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { actorAt, type RequestPrincipal } from '../auth/principal';
import { callerOf } from '../idempotency/idempotency.interceptor';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { RoutingService } from '../routing/routing.service';
import { STATUS_OF } from './import.service';
import { EdxmlErrorCode } from './edxml-error-codes';

const VN_OFFSET_MS = 7 * 3600_000;
const TYPE_BY_NAME = new Map(Object.entries(DOC_TYPES).map(([code, name]) => [foldVietnamese(name), code]));

/** The hash a message is told apart by: what it says (its attachments by their bytes' hash), not how it is laid out. */
function messageHash(message: EdxmlMessage): string {
  const seen = JSON.stringify(message, (_k, v: unknown) =>
    v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
      ? createHash('sha256')
          .update(Buffer.from((v as { data: number[] }).data))
          .digest('hex')
      : v,
  );
  return createHash('sha256').update(seen).digest('hex');
}

/**
 * The message's id when the connector gives none (the axis names each message it hands out; a connector should pass
 * that id on): a document by its DocumentId, a status by who answers what, with which code, when.
 */
function derivedId(message: EdxmlMessage): string {
  if (message.kind === 'document') return `document:${message.document.documentId}`;
  const s = message.status;
  return `status:${s.from.organId}:${s.responseFor.documentId}:${s.statusCode}:${s.timestamp}`;
}

/** Decree 30 types by the edXML type name, else by the notation's leading abbreviation; a công văn names none. */
function docTypeOf(d: EdxmlDocument): DocType {
  const byName = TYPE_BY_NAME.get(foldVietnamese(d.documentType.name));
  if (byName) return byName as DocType;
  const lead = d.code.notation.split(/[-/]/)[0].toUpperCase().replace('Đ', 'D');
  return (DOC_TYPE_CODES as string[]).includes(lead) ? (lead as DocType) : 'CV';
}

/** Thrown to roll back a registration whose message id a concurrent request recorded first. */
class RecordedFirst extends Error {}

const nodeNotFound = (field: string) =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    EdxmlErrorCode.EDXML_NODE_NOT_FOUND,
    `${field}: no routing node of a directive sent to this unit answers it`,
    { field },
  );

/**
 * The edXML intake: any message a connector (an e-office system, through an API key with the connector role) hands
 * over from the national document axis. A document is registered as received by each addressee the connector acts
 * for (the incoming register); a status message is applied to the routing node it answers through the routing
 * feature's own operations: 01 arrived, 02 a return, 03 an acceptance, 04/05/06 progress and completion, 13 the
 * recall request seen, 15/16 the answer to a recall. Each message is answered once per id: a retry gets the same
 * answer, another message under that id a 409.
 */
@Injectable()
export class EdxmlIntakeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routes: RoutingService,
  ) {}

  static read(data: Buffer, field: string): EdxmlMessage {
    try {
      return readEdxml(data.toString('utf8').replace(/^\uFEFF/, ''), field);
    } catch (e) {
      if (e instanceof DocumentInputError)
        throw new ApiError(STATUS_OF[e.code], e.code, e.message, { field: e.field });
      throw e;
    }
  }

  async intake(principal: RequestPrincipal, data: Buffer, field: string, givenId: string | undefined) {
    if (!principal.grants.some((g) => g.role === 'connector'))
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        EdxmlErrorCode.EDXML_CONNECTOR_REQUIRED,
        'only a connector (an API key with the connector role) hands over edXML messages',
      );
    const message = EdxmlIntakeService.read(data, field);
    const messageId = givenId?.trim() || derivedId(message);
    const caller = callerOf(principal);
    const hash = messageHash(message);
    const replay = async () => {
      const stored = await edxmlMessage(this.dataSource, caller, messageId);
      if (!stored) return null;
      if (stored.requestHash !== hash)
        throw new ApiError(
          HttpStatus.CONFLICT,
          EdxmlErrorCode.EDXML_MESSAGE_ID_REUSED,
          `Edxml-Message-Id: ${messageId} was used for another message`,
          { field: 'Edxml-Message-Id' },
        );
      return stored.answer;
    };
    const before = await replay();
    if (before) return before;
    if (message.kind === 'document') {
      try {
        return await this.registerDocument(principal, message.document, messageId, caller, hash);
      } catch (e) {
        if (e instanceof RecordedFirst) return replay();
        throw e;
      }
    }
    const answer = await this.applyStatus(principal, message.status, messageId);
    const recorded = await recordEdxmlMessage(this.dataSource, {
      principal: caller,
      messageId,
      kind: 'status',
      requestHash: hash,
      answer,
    });
    // a concurrent retry recorded it first: answered as it was (the operations are idempotent by state)
    return recorded ? answer : await replay();
  }

  /** The units the connector acts for (at or below one of its connector grants), among those found. */
  private actsFor(principal: RequestPrincipal, unit: OrganUnit | null): unit is OrganUnit {
    if (!unit) return false;
    const path = idsFromPath(unit.path);
    return principal.grants.some(
      (g) => g.role === 'connector' && g.unitPath.length > 0 && g.unitPath.every((id, i) => path[i] === id),
    );
  }

  private async registerDocument(
    principal: RequestPrincipal,
    d: EdxmlDocument,
    messageId: string,
    caller: string,
    hash: string,
  ) {
    const units = await unitsByOrganIds(
      this.dataSource,
      d.to.map((t) => t.organId),
    );
    const mine = units.filter((u): u is OrganUnit => this.actsFor(principal, u));
    const unique = [...new Map(mine.map((u) => [u.id, u])).values()];
    if (!unique.length)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        EdxmlErrorCode.EDXML_UNIT_NOT_FOUND,
        'MessageHeader/To: names no unit this connector acts for',
        { field: 'MessageHeader/To' },
      );
    const [sender] = await unitsByOrganIds(this.dataSource, [d.from.organId]);
    const symbol = normalizeText(edxmlCode(d.code.number, d.code.notation)) || null;
    const number = /^\d{1,7}$/.test(d.code.number) ? Number(d.code.number) : null;
    const issuerName = normalizeText(d.from.organName || d.from.organizationInCharge || d.from.organId);
    const receivedAt = new Date();
    const receivedYear = new Date(receivedAt.getTime() + VN_OFFSET_MS).getUTCFullYear();
    const docType = docTypeOf(d);
    // The files that came with it (the sender's signed PDF, its attachments), kept where their name and content are
    // of a kind Cascade accepts; the others are named in the event, not stored.
    const files = (d.attachments ?? []).map((a) => {
      const name = attachmentName(a.name);
      const type = name && a.bytes.length ? attachmentType(name, a.bytes) : null;
      return { name: name ?? a.name, bytes: a.bytes, mediaType: type?.ok ? type.mediaType : null };
    });
    const kept = files.filter((f) => f.mediaType !== null);
    const refused = files.filter((f) => f.mediaType === null).map((f) => f.name);
    return this.dataSource.transaction(async (m) => {
      const received = [];
      for (const unit of unique) {
        const id = randomUUID();
        const actor = actorAt(principal, unit.id);
        const receivedNumber = await insertReceived(m, {
          id,
          unitId: unit.id,
          docType,
          content: {
            subject: normalizeText(d.subject),
            tasks: [],
            ...(d.content ? { body: d.content.slice(0, 200_000) } : {}),
          },
          workflowId: `received/${id}`,
          externalIssuerName: issuerName,
          externalIssuerUnitId: sender?.id ?? null,
          externalNumber: number,
          symbol,
          externalDate: d.promulgation.date,
          receivedNumber: null,
          receivedYear,
          receivedAt,
          receivedBy: null,
        });
        const stored = await attachReceivedFiles(
          m,
          id,
          `edxml:${messageId}`,
          kept.map((f) => ({
            id: randomUUID(),
            name: f.name,
            mediaType: f.mediaType!,
            sha256: createHash('sha256').update(f.bytes).digest('hex'),
            content: f.bytes,
          })),
        );
        await appendEvent(m, {
          directiveId: id,
          action: 'received',
          actorRole: actor.role,
          actorUnitId: unit.id,
          data: withConnector(
            {
              receivedNumber,
              symbol,
              issuerName,
              receivedAt: receivedAt.toISOString(),
              edxml: { messageId, documentId: d.documentId, attachments: stored, refused },
            },
            actor,
          ),
        });
        received.push({ unitId: unit.id, id, receivedNumber, receivedYear });
      }
      const answer = { kind: 'document', messageId, documentId: d.documentId, symbol, received };
      // the same id recorded by a concurrent request that committed first: this registration rolls back
      if (
        !(await recordEdxmlMessage(m, {
          principal: caller,
          messageId,
          kind: 'document',
          requestHash: hash,
          answer,
        }))
      )
        throw new RecordedFirst();
      return answer;
    });
  }

  /** The directive and routing node a status answers, or 404 (also for a node the connector may not act for). */
  private async node(principal: RequestPrincipal, s: EdxmlStatus) {
    const [unit, issuerByResponse] = await unitsByOrganIds(this.dataSource, [
      s.from.organId,
      s.responseFor.organId,
    ]);
    if (!this.actsFor(principal, unit)) throw nodeNotFound('MessageHeader/From/OrganId');
    // DocumentId is "sender organ id,yyyy/MM/dd,code" (the code may hold commas): the code after the date
    const parts = s.responseFor.documentId.split(',');
    const [issuerByDocument] =
      parts.length >= 3 ? await unitsByOrganIds(this.dataSource, [parts[0]]) : [null];
    const issuer = issuerByDocument ?? issuerByResponse;
    const symbol = parts.length >= 3 ? parts.slice(2).join(',').trim() : s.responseFor.code;
    const directive =
      issuer && symbol ? await issuedDirectiveBySymbol(this.dataSource, issuer.id, symbol) : null;
    const routed = directive ? await receivedNode(this.dataSource, directive.id, unit.id) : undefined;
    if (!directive || !routed) throw nodeNotFound('MessageHeader/ResponseFor/DocumentId');
    return { directiveId: directive.id, unitId: unit.id, node: routed };
  }

  private async applyStatus(principal: RequestPrincipal, s: EdxmlStatus, messageId: string) {
    const { directiveId, unitId, node } = await this.node(principal, s);
    const reason = s.description && s.description !== EDXML_STATUS[s.statusCode] ? s.description : null;
    const conflict = (why: string) =>
      new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        `MessageHeader/StatusCode: ${why}`,
        {
          field: 'MessageHeader/StatusCode',
        },
      );
    const record = () => {
      const actor = actorAt(principal, unitId);
      return appendEvent(this.dataSource, {
        directiveId,
        action: `edxml.status.${s.statusCode}`,
        actorRole: actor.role,
        actorUnitId: unitId,
        reason,
        data: withConnector(
          {
            unitId,
            statusCode: s.statusCode,
            description: s.description,
            at: s.timestamp,
            staff: s.staff,
            messageId,
          },
          actor,
        ),
        dedupeKey: `edxml:${directiveId}:${unitId}:${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}`,
      });
    };
    switch (s.statusCode) {
      case '01':
        // delivery is the dispatch's (01 on the node already); the receiver's system confirms it arrived
        await record();
        break;
      case '02':
      case '03':
        await this.routes.acknowledge(principal, directiveId, {
          unitId,
          decision: s.statusCode === '03' ? 'accept' : 'return',
          reason: s.statusCode === '02' ? (reason ?? s.description) : (reason ?? undefined),
        });
        break;
      case '04':
      case '05':
      case '06': {
        if (node.status !== 'accepted')
          throw conflict(
            `${s.statusCode} for a directive that is ${node.status} at this unit (03 comes first)`,
          );
        if (node.recall_status) throw conflict(`${s.statusCode} for a directive being recalled`);
        await recordNodeProgress(this.dataSource, directiveId, unitId, s.statusCode);
        await record();
        break;
      }
      case '13':
        // the issuer's recall request (POST /directives/:id/recall) as the receiver's system saw it
        if (node.recall_status === null) throw conflict('13 for a directive that is not being recalled');
        await record();
        break;
      case '15':
      case '16':
        await this.routes.answerRecall(principal, directiveId, {
          unitId,
          decision: s.statusCode === '15' ? 'accept' : 'refuse',
          reason: s.statusCode === '16' ? (reason ?? s.description) : (reason ?? undefined),
        });
        break;
    }
    const answer = await nodeAnswer(this.dataSource, directiveId, unitId);
    return { kind: 'status', messageId, statusCode: s.statusCode, directiveId, node: answer };
  }
}
