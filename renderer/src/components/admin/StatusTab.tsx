// How the server is doing: version, uptime, people and sockets connected, database and Redis health, storage used.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerStatus } from '../../../../protocol/admin.js';
import { errorText } from '../../lib/errors.js';
import { formatBytes } from '../../lib/file-transfer.js';
import { RowError, useAdminApi } from './shared.js';

export function StatusTab() {
  const { t, i18n } = useTranslation();
  const admin = useAdminApi();
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      admin.status().then(
        (s) => {
          setStatus(s);
          setError(null);
        },
        (err: unknown) => setError(errorText(t, err)),
      ),
    [admin, t],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const num = (n: number) => new Intl.NumberFormat(i18n.language).format(n);
  const uptime = (seconds: number) => {
    const d = Math.floor(seconds / 86_400);
    const h = Math.floor((seconds % 86_400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return d > 0
      ? t('admin.status.uptimeDays', { d, h, m })
      : h > 0
        ? t('admin.status.uptimeHours', { h, m })
        : t('admin.status.uptimeMinutes', { m });
  };
  const rows: [string, string][] = status
    ? [
        [t('admin.status.version'), status.version],
        [t('admin.status.uptime'), uptime(status.uptimeSeconds)],
        [t('admin.status.users'), num(status.users)],
        [t('admin.status.online'), num(status.onlineUsers)],
        [t('admin.status.sockets'), num(status.sockets)],
        [t('admin.status.db'), t(`admin.status.health_${status.db}`)],
        [t('admin.status.redis'), t(`admin.status.health_${status.redis}`)],
        [t('admin.status.registration'), t(`admin.registration.mode_${status.registration}`)],
        [t('admin.status.storage'), formatBytes(status.storageBytes, i18n.language)],
      ]
    : [];
  return (
    <section className="stack admin-section" aria-labelledby="admin-status-h">
      <h3 id="admin-status-h">{t('admin.tabs.status')}</h3>
      {status && (
        <dl className="admin-status">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <button type="button" className="small" onClick={() => void load()}>
        {t('admin.status.refresh')}
      </button>
      <RowError text={error ?? undefined} />
    </section>
  );
}
