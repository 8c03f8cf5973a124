// Accounts: search, status, role and sessions at a glance; disable/enable, make or remove an administrator, end
// every session, hand over a one-time password-reset link, delete (keeping or removing their messages).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUser, PasswordResetLink } from '../../../../protocol/admin.js';
import type { DeletedMessages } from '../../../../client/admin-api.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { selectSelfId } from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { CopyField, RowError, useAdminApi, useRowErrors, useStamp } from './shared.js';

const PAGE = 50;

function DeleteConfirm({ user, onCancel, onDelete }: { user: AdminUser; onCancel: () => void; onDelete: (m: DeletedMessages) => void }) {
  const { t } = useTranslation();
  const [messages, setMessages] = useState<DeletedMessages>('keep');
  return (
    <div className="confirm" role="alertdialog" aria-label={t('admin.users.deleteTitle', { name: user.displayName })}>
      <p>{t('admin.users.deleteConfirm', { name: user.displayName, username: user.username })}</p>
      <fieldset className="radio">
        <legend>{t('admin.users.messages')}</legend>
        {(['keep', 'delete'] as const).map((m) => (
          <label key={m} className="toggle">
            <input type="radio" name={`del-${user.id}`} value={m} checked={messages === m} onChange={() => setMessages(m)} />
            {t(`admin.users.messages_${m}`)}
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="button" className="danger" onClick={() => onDelete(messages)}>
        {t('admin.users.deleteAction')}
      </button>
    </div>
  );
}

function UserRow({
  user,
  self,
  onChanged,
  onDeleted,
}: {
  user: AdminUser;
  self: boolean;
  onChanged: (u: AdminUser) => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const stamp = useStamp();
  const { errors, busy, run } = useRowErrors();
  const [link, setLink] = useState<PasswordResetLink | null>(null);
  const [revoked, setRevoked] = useState<number | null>(null);
  const [deleting, setDeleting] = useState(false);
  const disabled = user.status === 'disabled';
  const isAdmin = user.role === 'admin';
  const key = String(user.id);
  return (
    <li className="admin-row">
      <div className="admin-row-main">
        <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} size={32} />
        <span className="member-name">
          <span>
            {user.displayName}
            {self && <span className="member-sub-inline"> ({t('admin.users.you')})</span>}
          </span>
          <span className="member-sub">
            @{user.username} · {user.email}
          </span>
        </span>
        <span className="admin-tags">
          <span className={`role${disabled ? ' disabled' : ''}`}>{t(`admin.users.status_${user.status}`)}</span>
          {isAdmin && <span className="role owner">{t('admin.users.roleAdmin')}</span>}
          <span className="role">{t('admin.users.sessions', { count: user.sessions })}</span>
        </span>
      </div>
      {!self && user.status !== 'deleted' && (
        <div className="admin-actions" role="group" aria-label={t('admin.users.actionsFor', { name: user.displayName })}>
          <button
            type="button"
            className="small"
            disabled={busy !== null}
            onClick={() =>
              void run(key, async () => onChanged(await admin.updateUser(user.id, { status: disabled ? 'active' : 'disabled' })))
            }
          >
            {disabled ? t('admin.users.enable') : t('admin.users.disable')}
          </button>
          <button
            type="button"
            className="small"
            disabled={busy !== null}
            onClick={() => void run(key, async () => onChanged(await admin.updateUser(user.id, { role: isAdmin ? 'user' : 'admin' })))}
          >
            {isAdmin ? t('admin.users.removeAdmin') : t('admin.users.makeAdmin')}
          </button>
          <button
            type="button"
            className="small"
            disabled={busy !== null}
            onClick={() =>
              void run(key, async () => {
                const r = await admin.revokeSessions(user.id);
                setRevoked(r.revoked);
                onChanged({ ...user, sessions: 0 });
              })
            }
          >
            {t('admin.users.revokeSessions')}
          </button>
          <button
            type="button"
            className="small"
            disabled={busy !== null}
            onClick={() => void run(key, async () => setLink(await admin.resetLink(user.id)))}
          >
            {t('admin.users.resetLink')}
          </button>
          <button type="button" className="small danger" disabled={busy !== null} onClick={() => setDeleting(true)}>
            {t('admin.users.delete')}
          </button>
        </div>
      )}
      {revoked !== null && (
        <p className="ok-text" role="status">
          {t('admin.users.revoked', { count: revoked })}
        </p>
      )}
      {link && (
        <CopyField
          label={t('admin.users.resetLinkFor', { name: user.displayName })}
          value={link.url}
          hint={t('admin.users.resetLinkHint', { when: stamp(link.expiresAt) })}
        />
      )}
      {deleting && (
        <DeleteConfirm
          user={user}
          onCancel={() => setDeleting(false)}
          onDelete={(messages) => {
            setDeleting(false);
            void run(key, async () => {
              await admin.deleteUser(user.id, messages);
              onDeleted();
            });
          }}
        />
      )}
      <RowError text={errors[key]} />
    </li>
  );
}

export function UsersTab() {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const selfId = useAppStore(selectSelfId);
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      admin.users({ q: q.trim() || undefined, limit: PAGE }).then(
        (list) => {
          if (!live) return;
          setUsers(list);
          setMore(list.length === PAGE);
          setError(null);
        },
        (err: unknown) => live && setError(errorText(t, err)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, admin, t]);

  const loadMore = () => {
    const last = users?.[users.length - 1];
    if (!last) return;
    admin.users({ q: q.trim() || undefined, limit: PAGE, before: last.id }).then(
      (list) => {
        setUsers((u) => [...(u ?? []), ...list]);
        setMore(list.length === PAGE);
      },
      (err: unknown) => setError(errorText(t, err)),
    );
  };

  return (
    <section className="stack admin-section" aria-labelledby="admin-users-h">
      <h3 id="admin-users-h">{t('admin.tabs.users')}</h3>
      <input
        type="search"
        aria-label={t('admin.users.search')}
        placeholder={t('admin.users.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {deleted && (
        <p className="ok-text" role="status">
          {deleted}
        </p>
      )}
      <ul className="admin-list">
        {(users ?? []).map((u) => (
          <UserRow
            key={u.id}
            user={u}
            self={u.id === selfId}
            onChanged={(next) => setUsers((list) => (list ?? []).map((x) => (x.id === next.id ? next : x)))}
            onDeleted={() => {
              setUsers((list) => (list ?? []).filter((x) => x.id !== u.id));
              setDeleted(t('admin.users.deleted', { name: u.displayName }));
            }}
          />
        ))}
      </ul>
      {users && users.length === 0 && <p className="hint">{t('admin.users.none')}</p>}
      {more && (
        <button type="button" className="small" onClick={loadMore}>
          {t('admin.more')}
        </button>
      )}
      <RowError text={error ?? undefined} />
    </section>
  );
}
