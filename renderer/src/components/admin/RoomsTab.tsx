// Rooms across the server: archive or bring back, give a room a new owner, delete (after a confirmation).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../../client/api.js';
import type { AdminRoom } from '../../../../protocol/admin.js';
import type { Member } from '../../../../protocol/types.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';
import { errorText } from '../../lib/errors.js';
import { UserPicker } from '../dialogs/UserPicker.js';
import { RowError, useAdminApi, useRowErrors, useStamp } from './shared.js';

const PAGE = 50;

/** The server refuses an owner who is not a member of the room (a structured detail, not text). */
function notAMember(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'VALIDATION_FAILED' && (err.details ?? []).some((d) => d.path === 'ownerId');
}

/**
 * Picks the new owner among the room's members. Only members may read a room's member list, so for a room the
 * administrator is not in this falls back to searching people (the server then checks membership).
 */
function OwnerPicker({
  room,
  label,
  onPick,
  onCancel,
}: {
  room: AdminRoom;
  label: string;
  onPick: (userId: number) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const controller = useController();
  const [members, setMembers] = useState<Member[] | null | 'unknown'>(null);
  useEffect(() => {
    let live = true;
    controller.api.members(room.id).then(
      (list) => live && setMembers(list),
      () => live && setMembers('unknown'),
    );
    return () => {
      live = false;
    };
  }, [controller, room.id]);
  if (members === null) return null;
  if (members === 'unknown')
    return (
      <UserPicker
        label={label}
        exclude={room.ownerId === null ? undefined : new Set([room.ownerId])}
        onCancel={onCancel}
        onPick={(u) => onPick(u.id)}
      />
    );
  const candidates = members.filter((m) => m.user.id !== room.ownerId);
  return (
    <div className="picker" role="group" aria-label={label}>
      <ul className="picker-list">
        {candidates.map((m) => (
          <li key={m.user.id}>
            <button type="button" className="picker-row" onClick={() => onPick(m.user.id)}>
              <Avatar id={m.user.id} name={m.user.displayName} url={m.user.avatarUrl} size={28} />
              <span className="member-name">
                {m.user.displayName}
                <span className="member-sub">
                  @{m.user.username} · {t(`roles.${m.role}`)}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {candidates.length === 0 && <p className="hint">{t('admin.rooms.noMembers')}</p>}
      <button type="button" className="small" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

function RoomRow({ room, onChanged, onDeleted }: { room: AdminRoom; onChanged: (r: AdminRoom) => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const stamp = useStamp();
  const { errors, busy, run } = useRowErrors();
  const [picking, setPicking] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const key = String(room.id);
  const name = room.name || t('admin.rooms.unnamed');
  return (
    <li className="admin-row">
      <div className="admin-row-main">
        <span className="member-name">
          <span>{name}</span>
          <span className="member-sub">
            {t(`admin.rooms.kind_${room.kind}`)} · {t(`admin.rooms.visibility_${room.visibility}`)} ·{' '}
            {t('admin.rooms.owner', { name: room.ownerName ? `@${room.ownerName}` : t('admin.rooms.noOwner') })} ·{' '}
            {t('room.members', { count: room.memberCount })}
          </span>
          <span className="member-sub">
            {room.lastMessageAt ? t('admin.rooms.lastMessage', { when: stamp(room.lastMessageAt) }) : t('admin.rooms.noMessages')} ·{' '}
            {t('admin.rooms.created', { when: stamp(room.createdAt) })}
          </span>
        </span>
        {room.archived && (
          <span className="admin-tags">
            <span className="role disabled">{t('admin.rooms.archived')}</span>
          </span>
        )}
      </div>
      <div className="admin-actions" role="group" aria-label={t('admin.rooms.actionsFor', { name })}>
        <button
          type="button"
          className="small"
          disabled={busy !== null}
          onClick={() => void run(key, async () => onChanged(await admin.updateRoom(room.id, { archived: !room.archived })))}
        >
          {room.archived ? t('admin.rooms.unarchive') : t('admin.rooms.archive')}
        </button>
        {room.kind === 'group' && (
          <button type="button" className="small" disabled={busy !== null} onClick={() => setPicking(true)} aria-expanded={picking}>
            {t('admin.rooms.changeOwner')}
          </button>
        )}
        <button type="button" className="small danger" disabled={busy !== null} onClick={() => setDeleting(true)}>
          {t('admin.rooms.delete')}
        </button>
      </div>
      {picking && (
        <OwnerPicker
          room={room}
          label={t('admin.rooms.newOwner', { name })}
          onCancel={() => setPicking(false)}
          onPick={(ownerId) => {
            setPicking(false);
            void run(key, async () => {
              try {
                onChanged(await admin.updateRoom(room.id, { ownerId }));
              } catch (err) {
                throw notAMember(err) ? new Error(t('admin.rooms.ownerNotMember')) : err;
              }
            });
          }}
        />
      )}
      {deleting && (
        <div className="confirm" role="alertdialog" aria-label={t('admin.rooms.deleteTitle', { name })}>
          <p>{t('admin.rooms.deleteConfirm', { name })}</p>
          <button type="button" onClick={() => setDeleting(false)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setDeleting(false);
              void run(key, async () => {
                await admin.deleteRoom(room.id);
                onDeleted();
              });
            }}
          >
            {t('admin.rooms.deleteAction')}
          </button>
        </div>
      )}
      <RowError text={errors[key]} />
    </li>
  );
}

export function RoomsTab() {
  const { t } = useTranslation();
  const admin = useAdminApi();
  const [q, setQ] = useState('');
  const [rooms, setRooms] = useState<AdminRoom[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      admin.rooms({ q: q.trim() || undefined, limit: PAGE }).then(
        (list) => {
          if (!live) return;
          setRooms(list);
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
    const last = rooms?.[rooms.length - 1];
    if (!last) return;
    admin.rooms({ q: q.trim() || undefined, limit: PAGE, before: last.id }).then(
      (list) => {
        setRooms((r) => [...(r ?? []), ...list]);
        setMore(list.length === PAGE);
      },
      (err: unknown) => setError(errorText(t, err)),
    );
  };

  return (
    <section className="stack admin-section" aria-labelledby="admin-rooms-h">
      <h3 id="admin-rooms-h">{t('admin.tabs.rooms')}</h3>
      <input
        type="search"
        aria-label={t('admin.rooms.search')}
        placeholder={t('admin.rooms.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <ul className="admin-list">
        {(rooms ?? []).map((r) => (
          <RoomRow
            key={r.id}
            room={r}
            onChanged={(next) => setRooms((list) => (list ?? []).map((x) => (x.id === next.id ? next : x)))}
            onDeleted={() => setRooms((list) => (list ?? []).filter((x) => x.id !== r.id))}
          />
        ))}
      </ul>
      {rooms && rooms.length === 0 && <p className="hint">{t('admin.rooms.none')}</p>}
      {more && (
        <button type="button" className="small" onClick={loadMore}>
          {t('admin.more')}
        </button>
      )}
      <RowError text={error ?? undefined} />
    </section>
  );
}
