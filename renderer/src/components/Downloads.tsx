// The desktop app's downloads of this run, in the window: name, progress, how it ended, and "Show in folder" once
// saved. Fed by main's will-download (window.desktop.onDownload); the web client has none (the browser shows its own).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DownloadInfo } from '../../../protocol/desktop.js';
import { formatBytes } from '../lib/file-transfer.js';
import { useController } from './context.js';

export function Downloads() {
  const { t, i18n } = useTranslation();
  const { desktop } = useController();
  const [list, setList] = useState<DownloadInfo[]>([]);
  useEffect(
    () =>
      desktop.onDownload((d) => setList((old) => (old.some((x) => x.id === d.id) ? old.map((x) => (x.id === d.id ? d : x)) : [...old, d]))),
    [desktop],
  );
  if (list.length === 0) return null;
  const status = (d: DownloadInfo) =>
    d.state === 'progressing'
      ? d.totalBytes > 0
        ? t('downloads.progress', {
            received: formatBytes(d.receivedBytes, i18n.language),
            total: formatBytes(d.totalBytes, i18n.language),
          })
        : t('downloads.starting')
      : t(`downloads.${d.state}`);
  return (
    <section className="downloads" aria-label={t('downloads.title')}>
      <header>
        <h2>{t('downloads.title')}</h2>
        <button type="button" className="small" onClick={() => setList((old) => old.filter((d) => d.state === 'progressing'))}>
          {t('downloads.clear')}
        </button>
      </header>
      <ul>
        {list.map((d) => (
          <li key={d.id} className={`download ${d.state}`} data-testid="download">
            <span className="download-name">{d.name}</span>
            <progress
              aria-label={d.name}
              max={d.totalBytes || 1}
              value={d.state === 'completed' ? d.totalBytes || 1 : d.totalBytes > 0 ? d.receivedBytes : undefined}
            />
            <span className="download-status" role="status">
              {status(d)}
            </span>
            {d.state === 'completed' && (
              <button type="button" className="small" onClick={() => void desktop.showDownloadInFolder(d.id)}>
                {t('downloads.showInFolder')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
