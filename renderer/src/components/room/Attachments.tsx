// Choosing files for a message: the attach button, drag-and-drop onto the room, and the preview strip with
// per-file progress, cancel, and a reason and retry when an upload fails.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../lib/file-transfer.js';
import { useAppStore } from '../../store/index.js';
import { selectStaged, type StagedFile } from '../../store/attachments.js';
import { useController } from '../context.js';
import { Icon } from '../Icon.js';

export function AttachButton({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const controller = useController();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="icon attach"
        aria-label={t('files.attach')}
        title={t('files.attach')}
        onClick={() => input.current?.click()}
      >
        <Icon name="plus" size={18} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          if (files.length) controller.files.add(roomId, files);
          e.target.value = '';
        }}
      />
    </>
  );
}

function reason(t: (k: string) => string, f: StagedFile): string {
  switch (f.error) {
    case 'PAYLOAD_TOO_LARGE':
      return t('files.tooLarge');
    case 'QUOTA_EXCEEDED':
      return t('files.quota');
    case 'UNSUPPORTED_MEDIA_TYPE':
      return t('files.refused');
    case 'RATE_LIMITED':
      return t('files.rateLimited');
    case 'NETWORK':
      return t('files.offline');
    default:
      return t('files.failed');
  }
}

export function StagedStrip({ roomId }: { roomId: number }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const staged = useAppStore(selectStaged(roomId));
  if (staged.length === 0) return null;
  return (
    <ul className="staged-strip" aria-label={t('files.staged')}>
      {staged.map((f) => (
        <li key={f.id} className={`staged ${f.state}`} data-testid="staged-file">
          {f.previewUrl ? <img src={f.previewUrl} alt="" className="staged-thumb" /> : <Icon name="chat" size={22} />}
          <div className="staged-info">
            <span className="staged-name" title={f.name}>
              {f.name}
            </span>
            <span className="staged-size">{formatBytes(f.size, i18n.language)}</span>
            {f.state === 'uploading' && <progress max={1} value={f.progress} aria-label={t('files.progress', { name: f.name })} />}
            {f.state === 'failed' && (
              <span className="field-error" role="alert">
                {reason(t, f)}{' '}
                <button type="button" className="small" onClick={() => controller.files.retry(roomId, f.id)}>
                  {t('message.retry')}
                </button>
              </span>
            )}
          </div>
          <button
            type="button"
            className="icon small"
            aria-label={f.state === 'uploading' ? t('files.cancel', { name: f.name }) : t('files.remove', { name: f.name })}
            onClick={() => controller.files.remove(roomId, f.id)}
          >
            <Icon name="x" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Files dropped anywhere on the room attach to it; the highlight says so while dragging. */
export function DropZone({ roomId, children }: { roomId: number; children: ReactNode }) {
  const { t } = useTranslation();
  const controller = useController();
  const [over, setOver] = useState(false);
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(false);
        controller.files.add(roomId, [...e.dataTransfer.files]);
      }}
    >
      {children}
      {over && (
        <div className="drop-hint" aria-hidden="true">
          {t('files.dropHere')}
        </div>
      )}
    </div>
  );
}
