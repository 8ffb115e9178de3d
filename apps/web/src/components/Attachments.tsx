import { useState } from 'react';
import { App as AntApp, Button, List, Upload } from 'antd';
import { ATTACHMENT_TYPES } from '@cascade/domain';
import { api, openFile } from '../api';
import { useApp } from '../context';
import { useGet } from '../hooks';
import { Problem } from './Problem';

interface AttachmentRow {
  id: string;
  name: string;
  mediaType: string;
  size: number;
}

const ACCEPT = Object.keys(ATTACHMENT_TYPES)
  .map((ext) => `.${ext}`)
  .join(',');

/**
 * A directive's files ("gửi kèm theo"): each downloaded with the session (fetched with the token, saved from a blob:
 * a plain link would carry no token and answer UNAUTHENTICATED); on a draft or a directive in review its drafter adds
 * more (antd Upload, sent as multipart through the API client).
 */
export function Attachments({ id, editable }: { id: string; editable: boolean }) {
  const { t, num } = useApp();
  const { message } = AntApp.useApp();
  const files = useGet<AttachmentRow[]>(`/directives/${id}/attachments`);
  const [problem, setProblem] = useState<string | null>(null);
  const kb = (bytes: number) => `${num(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return (
    <section aria-labelledby={`attachments-${id}`} data-testid="attachments">
      <h2 id={`attachments-${id}`} style={{ fontSize: 18 }}>
        {t('attachments')}
      </h2>
      <Problem text={problem ?? (files.error ? files.error.message : null)} />
      <List
        size="small"
        dataSource={files.data ?? []}
        locale={{ emptyText: t('noAttachments') }}
        renderItem={(f) => (
          <List.Item>
            <Button
              type="link"
              aria-label={`${t('download')} ${f.name}`}
              onClick={() =>
                void openFile(`/directives/${id}/attachments/${f.id}`, f.name).then(
                  () => setProblem(null),
                  (e: Error) => setProblem(e.message),
                )
              }
            >
              {f.name}
            </Button>{' '}
            ({kb(f.size)})
          </List.Item>
        )}
      />
      {editable && (
        <Upload
          accept={ACCEPT}
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            const body = new FormData();
            body.append('file', file as File);
            api('POST', `/directives/${id}/attachments`, body).then(
              (r) => {
                setProblem(null);
                void message.success(`${t('attached')}: ${(file as File).name}`);
                onSuccess?.(r);
              },
              (e: Error) => {
                setProblem(e.message);
                onError?.(e);
              },
            );
          }}
        >
          <Button>{t('attach')}</Button>
        </Upload>
      )}
      {editable && <p className="note">{t('attachHint')}</p>}
    </section>
  );
}
