import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { officialDocumentOf, renderDirectivePdf } from '@cascade/documents';
import { PersonSigningError, signPdfFor } from '@cascade/signing';
import { appendOnce } from './append-once';
import { heartbeating } from './heartbeat';
import { createReportingActivities } from './reporting.activities';
import { generateSignerKey, signWithEncryptedKey } from '@cascade/auth';
import { DirectiveFailure, type DirectiveActivities, type TransitionInput } from '@cascade/contracts';
import {
  delegationLines,
  delegationRefusal,
  formatSymbol,
  idsFromPath,
  planRouting,
  signedDocumentBytes,
  VN_ZONE,
} from '@cascade/domain';
import {
  activeSignerKey,
  addressedUnits,
  appendEvent,
  attachmentsOf,
  cappedSubtreeSizes,
  delegationById,
  holdsByTuq,
  documentSource,
  eventRecorded,
  insertRoutingNodes,
  lockDirectiveState,
  lockDirectiveToDispatch,
  lockDirectiveToSign,
  markDelivered,
  markSubtreesDelivered,
  nextIssuerNumber,
  notifyAcknowledgementReminder,
  notifyReviewReminder,
  recordSigning,
  recordSigningDelegation,
  routedChildren,
  signedAttachments,
  routingNodeCount,
  setDirectiveStatus,
  storeSignedDocument,
  findSigningCertificate,
  storeSignerKey,
  unacknowledgedCount,
} from '@cascade/persistence';

const fail = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

/**
 * The directive's steps in PostgreSQL. Each runs in one transaction that locks the directive row, checks the state it
 * expects, writes the new state and an event, and is idempotent under retries through the event's dedupe key.
 */
export function createDirectiveActivities(
  dataSource: DataSource,
  signingSecret: string,
  pades: { pkcs11Modules?: string[]; tsaUrl?: string } = {},
): DirectiveActivities {
  const planDispatchIn = (directiveId: string, dedupeKey: string) =>
    dataSource.transaction(async (m) => {
      const directive = await lockDirectiveToDispatch(m, directiveId);
      if (!directive) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
      const nodes = await routingNodeCount(m, directiveId);
      if (await eventRecorded(m, dedupeKey)) return { nodes, skipped: 0 };
      const { issuerId, issuerPath, addressees } = directive;
      const units = await addressedUnits(m, { id: issuerId, path: issuerPath }, addressees);
      const plan = planRouting(
        { id: issuerId, path: idsFromPath(issuerPath) },
        units.map((unit) => ({ id: unit.id, path: idsFromPath(unit.path), active: unit.active })),
      );
      const hubs = new Set(plan.hubs.map((hub) => hub.unitId));
      await insertRoutingNodes(
        m,
        directiveId,
        plan.nodes.map((node) => ({ ...node, isHub: hubs.has(node.unitId) })),
      );
      await appendOnce(m, {
        directiveId,
        action: 'dispatch.planned',
        data: { nodes: plan.nodes.length, skipped: plan.skipped, tiers: plan.issuerTier },
        dedupeKey,
      });
      return { nodes: plan.nodes.length, skipped: plan.skipped.length };
    });

  async function deliverBatchIn({
    directiveId,
    hubUnitId,
    batchIndex,
    batchSize,
    inlineSubtrees,
  }: Parameters<DirectiveActivities['deliverBatch']>[0]): ReturnType<DirectiveActivities['deliverBatch']> {
    // The batch is a stable slice of the hub's children (the routing tree does not change after planning), so a
    // retried delivery touches the same rows; delivering twice changes nothing.
    const batch = await routedChildren(
      dataSource,
      directiveId,
      hubUnitId,
      batchIndex * batchSize,
      batchSize + 1,
    );
    const more = batch.length > batchSize;
    const mine = batch.slice(0, batchSize);
    const subHubs = mine.filter((child) => child.isHub).map((child) => child.unitId);
    if (!inlineSubtrees) {
      await markDelivered(
        dataSource,
        directiveId,
        mine.map((child) => child.unitId),
      );
      return { delivered: mine.length, subHubs, more };
    }
    // A sub-hub whose whole subtree fits in a batch goes with this one, in the same statement, instead of as a hub
    // workflow of its own: the count stops at a batch and one, so a big sub-hub costs no more than a batch to size.
    const sizes = await cappedSubtreeSizes(dataSource, directiveId, subHubs, batchSize + 1);
    const inlined = new Set(subHubs.filter((unitId) => (sizes.get(unitId) ?? batchSize + 1) <= batchSize));
    const delivered = await markSubtreesDelivered(
      dataSource,
      directiveId,
      mine.map((child) => child.unitId),
      [...inlined],
    );
    return {
      delivered,
      subHubs: subHubs.filter((unitId) => !inlined.has(unitId)),
      more,
      inlined: inlined.size,
    };
  }

  return {
    ...createReportingActivities(dataSource),
    async recordTransition(input: TransitionInput) {
      await dataSource.transaction(async (m) => {
        const state = await lockDirectiveState(m, input.directiveId);
        if (!state)
          throw fail(DirectiveFailure.INVALID_STATE, `directive ${input.directiveId} does not exist`);
        if (await eventRecorded(m, input.dedupeKey)) return;
        if (!input.from.includes(state.status)) {
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${state.status}`);
        }
        if (input.expectedVersion !== null && state.version !== input.expectedVersion) {
          throw fail(DirectiveFailure.VERSION_STALE, `version: the current version is ${state.version}`);
        }
        await setDirectiveStatus(m, input.directiveId, input.to);
        await appendOnce(m, {
          directiveId: input.directiveId,
          actorUserId: input.actor?.userId ?? null,
          actorRole: input.actor?.role ?? null,
          actorUnitId: input.actor?.unitId ?? null,
          action: input.action,
          reason: input.reason,
          data: input.data ?? undefined,
          dedupeKey: input.dedupeKey,
        });
      });
    },

    async signDirective({
      directiveId,
      version,
      actor,
      authority: asked,
      position: askedPosition,
      delegationId,
      dedupeKey,
    }) {
      return dataSource.transaction(async (m) => {
        const directive = await lockDirectiveToSign(m, directiveId);
        if (!directive) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        if (directive.status === 'signed') {
          // A retry after the signing committed: the same answer.
          return {
            number: directive.number!,
            symbol: directive.symbol!,
            signedAt: directive.signedAt!.toISOString(),
            sha256: directive.canonicalSha256!,
          };
        }
        if (directive.status !== 'approved')
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${directive.status}`);
        if (directive.version !== version)
          throw fail(DirectiveFailure.VERSION_STALE, `version: version ${directive.version} was approved`);

        const signedAt = new Date();
        // Under a relation (KT., Q., TL., TUQ.): checked here, at the signing's time, and its lines are printed
        let { authority, position } = { authority: asked, position: askedPosition };
        let delegation:
          NonNullable<Parameters<typeof signedDocumentBytes>[0]['signer']['delegation']> | undefined;
        if (delegationId !== undefined) {
          const relation = await delegationById(m, delegationId, true);
          if (!relation || relation.unitId !== directive.issuerId)
            throw fail('DELEGATION_NOT_HELD', 'delegationId: no such relation in the issuing unit');
          const byTuq =
            relation.kind === 'TUQ.' &&
            (await holdsByTuq(m, relation.grantorUserId, relation.unitId, signedAt));
          const refusal = delegationRefusal(relation, actor.userId, directive.docType, signedAt, byTuq);
          if (refusal) throw fail(refusal.code, refusal.message);
          ({ authority, position } = delegationLines(relation));
          delegation = {
            id: relation.id,
            kind: relation.kind,
            grantorUserId: relation.grantorUserId,
            grantorName: relation.grantorName,
            basisNumber: relation.basisNumber,
            basisDate: relation.basisDate,
          };
        }
        // the files go into the signed bytes by name and hash: the signature covers them
        const attachments = signedAttachments(await attachmentsOf(m, directiveId));
        const year = DateTime.fromJSDate(signedAt, { zone: VN_ZONE }).year;
        // The sequence row is locked until this transaction ends: concurrent signings of one issuer queue here, and
        // a rollback releases the number, so numbers have no gaps and no duplicates.
        const number = await nextIssuerNumber(m, directive.issuerId, year);
        const symbol = formatSymbol(number, directive.docType, directive.issuerSymbol, directive.issuerKind);

        let key = await activeSignerKey(m, actor.userId);
        if (!key) {
          const generated = generateSignerKey(signingSecret);
          key = await storeSignerKey(m, {
            userId: actor.userId,
            publicKeyPem: generated.publicKeyPem,
            privateKeyEnc: generated.privateKeyEnc,
          });
        }
        // The official document of the signed version, rendered once here and stored as rendered: from now on
        // GET /directives/:id/document.pdf answers these bytes, and their hash is in the signed bytes.
        const source = await documentSource(m, directiveId);
        if (!source) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        const pdf = await renderDirectivePdf(
          officialDocumentOf({
            type: directive.docType,
            // "Gửi kèm theo": the files attached to the directive, listed in the document as they are signed.
            content: attachments.length ? { ...directive.content, attachments } : directive.content,
            symbol,
            signedAt,
            signer: { authority, position, name: actor.name },
            issuerChain: source.issuerChain,
            addresseeNames: source.addresseeNames,
          }),
          { draft: false, createdAt: signedAt },
        );
        // PAdES: a signer with an X.509 certificate (imported PKCS#12, or a key in a PKCS#11 token) signs the official
        // PDF itself (B-B, or B-T with a time-stamp authority); the bytes stored, served and hashed below are those.
        const signedPdf = (await findSigningCertificate(m, actor.userId))
          ? await signPdfFor(m, { ...pades, secret: signingSecret, now: () => signedAt }, actor.userId, pdf, {
              name: actor.name,
              reason: `${authority} ${position}`.trim(),
            }).catch((err: unknown) => {
              if (err instanceof PersonSigningError)
                throw fail(DirectiveFailure.CERTIFICATE_UNUSABLE, `signing certificate: ${err.message}`);
              throw err;
            })
          : pdf;
        const pdfSha256 = createHash('sha256').update(signedPdf).digest('hex');
        const bytes = signedDocumentBytes({
          directiveId,
          issuer: {
            id: directive.issuerId,
            code: directive.issuerCode,
            symbol: directive.issuerSymbol,
            name: directive.issuerName,
          },
          type: directive.docType,
          year,
          number,
          symbol,
          signedAt: signedAt.toISOString(),
          version: directive.version,
          content: directive.content,
          signer: { userId: actor.userId, authority, position, name: actor.name, delegation },
          attachments: attachments.length ? attachments : undefined,
          document: { mediaType: 'application/pdf', sha256: pdfSha256 },
        });
        const sha256 = createHash('sha256').update(bytes, 'utf8').digest('hex');
        const signature = signWithEncryptedKey(key.privateKeyEnc, signingSecret, bytes);
        await recordSigning(m, {
          directiveId,
          year,
          number,
          symbol,
          signedAt: signedAt.toISOString(),
          signerUserId: actor.userId,
          authority,
          position,
          signerName: actor.name,
          signerKeyId: key.id,
          sha256,
          signature,
          payload: bytes,
        });
        if (delegation) await recordSigningDelegation(m, directiveId, delegation.id);
        await storeSignedDocument(m, { directiveId, content: signedPdf, sha256: pdfSha256 });
        await appendOnce(m, {
          directiveId,
          actorUserId: actor.userId,
          actorRole: actor.role,
          actorUnitId: actor.unitId,
          action: 'signed',
          // who signed is the actor; under whose authority: the relation, its grantor and basis
          data: {
            number,
            symbol,
            sha256,
            version,
            authority,
            position,
            ...(delegation ? { delegation } : {}),
            ...(attachments.length
              ? { attachments: attachments.map(({ name, sha256: h }) => ({ name, sha256: h })) }
              : {}),
          },
          dedupeKey,
        });
        return { number, symbol, signedAt: signedAt.toISOString(), sha256 };
      });
    },

    async remindUnacknowledged({ directiveId, round, dedupeKey }) {
      return dataSource.transaction(async (m) => {
        const pending = await unacknowledgedCount(m, directiveId);
        if (pending === 0) return { pending: 0 };
        const written = await appendEvent(m, {
          directiveId,
          action: 'acknowledgement.reminded',
          data: { round, pending },
          dedupeKey,
        });
        // One e-mail per clerk of each unit still to acknowledge, in one statement whatever the number of units.
        if (written) await notifyAcknowledgementReminder(m, directiveId, dedupeKey);
        return { pending };
      });
    },

    // planDispatch and deliverBatch heartbeat: their workflows retry them 10 s after a killed worker's heartbeats stop
    async planDispatch({ directiveId, dedupeKey }) {
      return heartbeating(() => planDispatchIn(directiveId, dedupeKey));
    },

    async deliverBatch(input) {
      return heartbeating(() => deliverBatchIn(input));
    },

    async remindReviewer({ directiveId, reviewerId, step, count, dedupeKey }) {
      await dataSource.transaction(async (m) => {
        await appendEvent(m, {
          directiveId,
          action: 'review.reminded',
          data: { reviewerId, step, count },
          dedupeKey,
        });
        // The e-mail goes out through the outbox, written with the event: both or neither.
        await notifyReviewReminder(m, { directiveId, reviewerId, count, dedupeKey });
      });
    },
  };
}
