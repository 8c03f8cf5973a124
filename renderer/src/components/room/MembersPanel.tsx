// Members with roles and presence; owners/admins add and remove members here, and the owner changes roles:
// make admin, make member, or hand over ownership (after a confirmation; the old owner stays on as an admin).
import { Icon } from '../Icon.js';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member, MyRoom, Role } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { selectProfiles, selectSelfId, selectUser } from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';
import { UserPicker } from '../dialogs/UserPicker.js';

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 } as const;
const ROLES: Role[] = ['owner', 'admin', 'member'];

interface MemberRowProps {
  member: Member;
  canRemove: boolean;
  /** The viewer owns the room and this is someone else: their role can be changed. */
  canSetRole: boolean;
  onRemove: () => void;
  onSetRole: (role: Role) => void;
}

function MemberRow({ member, canRemove, canSetRole, onRemove, onSetRole }: MemberRowProps) {
  const { t } = useTranslation();
  const online = useAppStore((s) => s.presence.online[member.user.id] ?? member.user.online);
  const user = useAppStore(selectUser(member.user.id, member.user));
  const name = user.displayName;
  return (
    <li className="member">
      <Avatar id={user.id} name={name} url={user.avatarUrl} size={28} online={online} />
      <span className="member-name">
        {name}
        <span className="member-sub">@{user.username}</span>
      </span>
      {canSetRole ? (
        <select
          className="role-select"
          aria-label={t('members.roleOf', { name })}
          value={member.role}
          onChange={(e) => onSetRole(e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      ) : (
        member.role !== 'member' && <span className={`role ${member.role}`}>{t(`roles.${member.role}`)}</span>
      )}
      {canRemove && (
        <button
          type="button"
          className="icon small"
          aria-label={t('members.remove', { name })}
          title={t('members.remove', { name })}
          onClick={onRemove}
        >
          <Icon name="x" size={14} />
        </button>
      )}
    </li>
  );
}

export function MembersPanel({ room, members, onChanged }: { room: MyRoom; members: Member[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const selfId = useAppStore(selectSelfId);
  const profiles = useAppStore(selectProfiles);
  const nameOf = (m: Member) => (profiles[m.user.id] ?? m.user).displayName;
  const [adding, setAdding] = useState(false);
  const [handOver, setHandOver] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const manage = room.kind === 'group' && (room.role === 'owner' || room.role === 'admin');
  const owner = room.kind === 'group' && room.role === 'owner';
  const presence = useAppStore((s) => s.presence.online);
  const isOnline = (m: Member) => presence[m.user.id] ?? m.user.online;
  const sorted = [...members].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || nameOf(a).localeCompare(nameOf(b)));
  // Who is here now, then everyone else: two sections, each in role then name order.
  const sections = [
    { key: 'online', title: t('members.onlineSection', { count: sorted.filter(isOnline).length }), list: sorted.filter(isOnline) },
    {
      key: 'offline',
      title: t('members.offlineSection', { count: sorted.filter((m) => !isOnline(m)).length }),
      list: sorted.filter((m) => !isOnline(m)),
    },
  ].filter((sec) => sec.list.length > 0);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const setRole = (m: Member, role: Role) => {
    if (role === m.role) return;
    if (role === 'owner') setHandOver(m);
    else void act(() => controller.setMemberRole(room.id, m.user.id, role));
  };

  return (
    <>
      <p className="panel-sub">{t('room.members', { count: members.length })}</p>
      {manage && !adding && (
        <button type="button" className="wide" onClick={() => setAdding(true)}>
          {t('members.add')}
        </button>
      )}
      {adding && (
        <UserPicker
          label={t('members.add')}
          exclude={new Set(members.map((m) => m.user.id))}
          onPick={(u) => void act(() => controller.api.addMember(room.id, u.id)).then(() => setAdding(false))}
          onCancel={() => setAdding(false)}
        />
      )}
      {handOver && (
        <div className="confirm" role="alertdialog" aria-label={t('members.handOverTitle')}>
          <p>{t('members.handOverConfirm', { name: nameOf(handOver) })}</p>
          <button type="button" onClick={() => setHandOver(null)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              const target = handOver;
              setHandOver(null);
              void act(() => controller.setMemberRole(room.id, target.user.id, 'owner'));
            }}
          >
            {t('members.handOver')}
          </button>
        </div>
      )}
      {removing && (
        <div className="confirm" role="alertdialog" aria-label={t('members.removeTitle')}>
          <p>{t('members.removeConfirm', { name: nameOf(removing) })}</p>
          <button type="button" onClick={() => setRemoving(null)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              const target = removing;
              setRemoving(null);
              void act(() => controller.api.removeMember(room.id, target.user.id));
            }}
          >
            {t('members.removeAction')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {sections.map((sec) => (
        <section key={sec.key} className="member-section" aria-label={sec.title}>
          <h4>{sec.title}</h4>
          <ul className="member-list">
            {sec.list.map((m) => (
              <MemberRow
                key={m.user.id}
                member={m}
                canRemove={manage && m.user.id !== selfId && m.role !== 'owner' && (room.role === 'owner' || m.role === 'member')}
                canSetRole={owner && m.user.id !== selfId}
                onRemove={() => setRemoving(m)}
                onSetRole={(role) => setRole(m, role)}
              />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
