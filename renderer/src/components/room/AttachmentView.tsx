// Attachments in the timeline: images inline at thumbnail size with their box reserved before they load, files
// as cards, and the full-size viewer (next/previous through the room's images, Esc closes, click zooms).
import { useEffect, useState } from 'react';
import type { Attachment, Message } from '../../../../protocol/types.js';
import { useSharedTranslation } from '../../i18n/shared.js';
import { fileUrl, formatBytes, thumbnailUrl } from '../../lib/file-transfer.js';
import { useAppStore } from '../../store/index.js';
import { selectViewer } from '../../store/attachments.js';
import { selectTimeline } from '../../store/selectors.js';
import { useController } from '../context.js';
import { Icon } from '../Icon.js';

const INLINE_MAX = 320;

/** A blob: URL of a file fetched with the bearer token (cached), or null while loading; 'error' when it failed. */
function useFileUrl(path: string | null): string | null | 'error' {
  const controller = useController();
  const [url, setUrl] = useState<string | null | 'error'>(null);
  useEffect(() => {
    if (!path || !controller.rt) return;
    let live = true;
    setUrl(null);
    controller.files.cache.get(controller.rt.api, path).then(
      (u) => live && setUrl(u),
      () => live && setUrl('error'),
    );
    return () => {
      live = false;
    };
  }, [path, controller]);
  return url;
}

export function fitBox(width: number, height: number, max: number): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function InlineImage({ attachment, roomId, messageId }: { attachment: NonNullable<Attachment>; roomId: number; messageId: number }) {
  const { t } = useSharedTranslation();
  const url = useFileUrl(thumbnailUrl(attachment.id));
  const openViewer = useAppStore((s) => s.openViewer);
  const box = fitBox(attachment.width ?? INLINE_MAX, attachment.height ?? INLINE_MAX, INLINE_MAX);
  return (
    <button
      type="button"
      className="inline-image"
      style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
      aria-label={t('files.openImage', { name: attachment.name })}
      onClick={() => openViewer({ roomId, messageId })}
    >
      {url && url !== 'error' ? <img src={url} alt={attachment.name} width={box.width} height={box.height} /> : null}
      {url === 'error' && <span className="image-failed">{t('files.imageFailed')}</span>}
    </button>
  );
}

async function download(controller: ReturnType<typeof useController>, a: NonNullable<Attachment>): Promise<void> {
  if (!controller.rt) return;
  const url = await controller.files.cache.get(controller.rt.api, fileUrl(a.id));
  const link = document.createElement('a');
  link.href = url;
  link.download = a.name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function FileCard({ attachment }: { attachment: NonNullable<Attachment> }) {
  const { t, i18n } = useSharedTranslation();
  const controller = useController();
  const [failed, setFailed] = useState(false);
  const ext = attachment.name.includes('.') ? attachment.name.split('.').pop()!.slice(0, 4).toUpperCase() : '';
  return (
    <div className="file-card">
      <span className="file-icon" aria-hidden="true">
        {ext || <Icon name="chat" size={18} />}
      </span>
      <span className="file-info">
        <span className="file-name" title={attachment.name}>
          {attachment.name}
        </span>
        <span className="file-size">{formatBytes(attachment.size, i18n.language)}</span>
        {failed && <span className="field-error">{t('files.downloadFailed')}</span>}
      </span>
      <button
        type="button"
        className="icon small"
        aria-label={t('files.download', { name: attachment.name })}
        title={t('files.download', { name: attachment.name })}
        onClick={() => {
          setFailed(false);
          download(controller, attachment).catch(() => setFailed(true));
        }}
      >
        <Icon name="down" size={16} />
      </button>
    </div>
  );
}

export function AttachmentBlock({ message: m, roomId }: { message: Message; roomId: number }) {
  if (!m.attachment || m.deletedAt) return null;
  return m.kind === 'image' ? (
    <InlineImage attachment={m.attachment} roomId={roomId} messageId={m.id} />
  ) : (
    <FileCard attachment={m.attachment} />
  );
}

export function ImageViewer() {
  const { t } = useSharedTranslation();
  const viewer = useAppStore(selectViewer);
  const openViewer = useAppStore((s) => s.openViewer);
  const timeline = useAppStore(selectTimeline(viewer?.roomId ?? 0));
  const images = timeline.items.filter((m) => m.kind === 'image' && m.attachment && !m.deletedAt);
  const index = images.findIndex((m) => m.id === viewer?.messageId);
  const current = index >= 0 ? images[index] : undefined;
  const url = useFileUrl(current?.attachment ? fileUrl(current.attachment.id) : null);
  const [zoomed, setZoomed] = useState(false);

  useEffect(() => {
    if (!viewer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') openViewer(null);
      else if (e.key === 'ArrowLeft' && index > 0) openViewer({ roomId: viewer.roomId, messageId: images[index - 1]!.id });
      else if (e.key === 'ArrowRight' && index < images.length - 1) openViewer({ roomId: viewer.roomId, messageId: images[index + 1]!.id });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [viewer, index, images, openViewer]);
  useEffect(() => setZoomed(false), [viewer?.messageId]);

  if (!viewer || !current?.attachment) return null;
  const go = (delta: number) => {
    const next = images[index + delta];
    if (next) openViewer({ roomId: viewer.roomId, messageId: next.id });
  };
  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={current.attachment.name}>
      <div className="viewer-bar">
        <span className="viewer-name">{current.attachment.name}</span>
        <span className="viewer-count">
          {index + 1} / {images.length}
        </span>
        <button type="button" className="icon" aria-label={t('files.previous')} disabled={index <= 0} onClick={() => go(-1)}>
          ‹
        </button>
        <button type="button" className="icon" aria-label={t('files.next')} disabled={index >= images.length - 1} onClick={() => go(1)}>
          ›
        </button>
        <button type="button" className="icon" aria-label={t('common.close')} autoFocus onClick={() => openViewer(null)}>
          <Icon name="x" />
        </button>
      </div>
      <div className={`viewer-stage${zoomed ? ' zoomed' : ''}`} onClick={(e) => e.target === e.currentTarget && openViewer(null)}>
        {url && url !== 'error' ? (
          <img
            src={url}
            alt={current.attachment.name}
            className="viewer-image"
            title={zoomed ? t('files.zoomOut') : t('files.zoomIn')}
            onClick={() => setZoomed((z) => !z)}
          />
        ) : (
          <span className="viewer-loading">{url === 'error' ? t('files.imageFailed') : t('files.loading')}</span>
        )}
      </div>
    </div>
  );
}
