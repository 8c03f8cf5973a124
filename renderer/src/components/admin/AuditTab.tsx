// The audit log, newest first: who did what to whom, when and from where; older entries page in by id.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../../protocol/admin.js';
import { errorText } from '../../lib/errors.js';
import { RowError, useAdminApi, useStamp } from './shared.js';

const PAGE = 50;

export function AuditTab() {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const stamp = useStamp();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = (before?: number) =>
    admin.audit({ limit: PAGE, ...(before ? { before } : {}) }).then(
      (list) => {
        setEntries((e) => (before ? [...(e ?? []), ...list] : list));
        setMore(list.length === PAGE);
        setError(null);
      },
      (err: unknown) => setError(errorText(t, err)),
    );
  useEffect(() => {
    void load();
  }, [admin]); // eslint-disable-line react-hooks/exhaustive-deps

  const action = (a: string) => t(`admin.audit.actions.${a.replace(/\./g, '_')}`, { defaultValue: a });
  const details = (d: AuditEntry['details']) => (d && Object.keys(d).length ? JSON.stringify(d) : '');
  return (
    <section className="stack admin-section" aria-labelledby="admin-audit-h">
      <h3 id="admin-audit-h">{t('admin.tabs.audit')}</h3>
      <div className="admin-table-wrap">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.audit.when')}</th>
              <th scope="col">{t('admin.audit.who')}</th>
              <th scope="col">{t('admin.audit.what')}</th>
              <th scope="col">{t('admin.audit.target')}</th>
              <th scope="col">{t('admin.audit.from')}</th>
            </tr>
          </thead>
          <tbody>
            {(entries ?? []).map((e) => (
              <tr key={e.id}>
                <td>{stamp(e.createdAt)}</td>
                <td>{e.actorName}</td>
                <td>
                  {action(e.action)}
                  {details(e.details) && <span className="member-sub mono">{details(e.details)}</span>}
                </td>
                <td>{e.target ?? ''}</td>
                <td className="mono">{e.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries && entries.length === 0 && <p className="hint">{t('admin.audit.none')}</p>}
      {more && (
        <button type="button" className="small" onClick={() => void load(entries?.[entries.length - 1]?.id)}>
          {t('admin.audit.older')}
        </button>
      )}
      <RowError text={error ?? undefined} />
    </section>
  );
}
