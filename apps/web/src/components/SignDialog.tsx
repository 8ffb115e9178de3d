import { useEffect, useState } from 'react';
import { Alert, Modal, Select, Space, Typography } from 'antd';
import type { Directive, SigningOptions } from '@cascade/contracts';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { DELEGATION_KIND, DOC_TYPE } from '../words/vocabulary';
import { DirectiveSummary } from './DirectiveSummary';
import { Problem } from './Problem';

/** What `POST /directives/:id/sign` is sent besides the version: nothing (one's own right), or the relation's id. */
export type SignUnder = { delegationId?: string };

/**
 * The signing confirmation: the document as it will be issued, and "Thẩm quyền ký" offering only what the signer
 * holds at the issuer (`GET /directives/:id/signing-options`): their own authority when their membership bears one,
 * and each signing relation (KT., Q., TL., TUQ.) they hold there, in force and covering this type — never a kind they
 * do not hold. A relation is named by its id, so two of one kind are told apart.
 */
export function SignDialog({
  d,
  open,
  busy,
  error,
  onCancel,
  onSign,
}: {
  d: Directive;
  open: boolean;
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onSign: (under: SignUnder) => void;
}) {
  const { t, say } = useApp();
  const options = useGet<SigningOptions>(open ? `/directives/${d.id}/signing-options` : null);
  const held = options.data;
  // '' : one's own authority; otherwise the id of the relation signed under
  const [under, setUnder] = useState<string | null>(null);
  useEffect(() => {
    if (!held) return;
    setUnder((chosen) =>
      chosen !== null && (chosen === '' ? held.own : held.relations.some((r) => r.id === chosen))
        ? chosen
        : held.own
          ? ''
          : (held.relations[0]?.id ?? null),
    );
  }, [held]);
  const choices = held
    ? [
        ...(held.own
          ? [{ value: '', label: `${t('ownAuthority')} (${held.own.authority} / ${held.own.position})` }]
          : []),
        ...held.relations.map((r) => ({
          value: r.id,
          label: `${say(DELEGATION_KIND, r.kind)} · ${r.authority} / ${r.position} · ${t('grantedBy')} ${r.grantor.name}`,
        })),
      ]
    : [];
  const nothingHeld = !!held && choices.length === 0;
  return (
    <Modal
      open={open}
      width={760}
      title={t('confirmSign')}
      okText={t('signNow')}
      okButtonProps={{ loading: busy, disabled: !held || under === null }}
      cancelText={t('cancel')}
      onCancel={onCancel}
      onOk={() => under !== null && onSign(under ? { delegationId: under } : {})}
    >
      <p>{t('confirmSignHint')}</p>
      {nothingHeld ? (
        <Alert type="warning" showIcon title={t('noSigningAuthority')} />
      ) : (
        <Space>
          <label htmlFor="sign-under">{t('signUnder')}</label>
          <Select
            id="sign-under"
            style={{ minWidth: 360 }}
            loading={!held}
            value={under ?? undefined}
            onChange={setUnder}
            options={choices}
          />
        </Space>
      )}
      <Problem text={options.error?.message ?? null} />
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {say(DOC_TYPE, d.type)} — {d.content.subject}
      </Typography.Title>
      <DirectiveSummary issuerId={d.issuerId} content={d.content} />
      <Problem text={error} />
    </Modal>
  );
}
