// The sidebar: me, new room / direct / browse, a filter, and my rooms by most recent activity.
import { Icon } from './Icon.js';
import { memo, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyRoom } from '../../../protocol/types.js';
import { listStamp } from '../lib/format.js';
import { useAppStore } from '../store/index.js';
import {
  roomName,
  selectActiveRoomId,
  selectOnline,
  selectProfiles,
  selectRoomList,
  selectRoomName,
  selectRoomsLoaded,
  selectSelf,
  selectUser,
  shownName,
} from '../store/selectors.js';
import { Avatar } from './Avatar.js';
import { SystemLine } from './room/SystemLine.js';
import { useController } from './context.js';
import { messagePreview } from '../../../protocol/preview.js';

const RoomRow = memo(function RoomRow({ room, active, selfId }: { room: MyRoom; active: boolean; selfId: number }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const online = useAppStore(selectOnline(room.peer?.id));
  const last = room.lastMessage;
  const name = useAppStore(selectRoomName(room, t('users.deleted')));
  const peer = useAppStore(selectUser(room.peer?.id, room.peer));
  const lastSender = useAppStore(selectUser(last?.sender.id, last?.sender));
  const preview = !last ? (
    t('rooms.noMessages')
  ) : last.deletedAt ? (
    t('message.recalled')
  ) : last.kind === 'system' ? (
    <SystemLine message={last} />
  ) : (
    `${last.sender.id === selfId ? t('rooms.you') : room.kind === 'group' ? `${shownName(lastSender, t('users.deleted'))}: ` : ''}${messagePreview(last, { image: t('files.image'), file: t('files.file') })}`
  );
  const unread = room.unreadCount;
  const mentions = room.mentionCount;
  // Named by its content (name, time, preview) plus hidden words for what only shows as an icon or a number, so
  // the spoken name contains everything on screen (WCAG 2.5.3), name first.
  const extra = [
    room.muted ? t('rooms.muted') : '',
    unread ? t('rooms.unread', { count: unread }) : '',
    mentions ? t('mentions.unread', { count: mentions }) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <li>
      <button
        type="button"
        className={`room-row${active ? ' active' : ''}${unread && !room.muted ? ' has-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        data-room-id={room.id}
        onClick={() => void controller.openRoom(room.id)}
      >
        {room.kind === 'direct' && peer ? (
          <Avatar id={peer.id} name={name} url={peer.avatarUrl} online={online} />
        ) : (
          <span className="room-glyph" aria-hidden="true">
            <Icon name={room.visibility === 'private' ? 'lock' : 'hash'} />
          </span>
        )}
        <span className="room-text">
          <span className="room-line">
            <span className="room-name">{name}</span>
            {room.muted && (
              <span className="room-muted" title={t('rooms.muted')}>
                <Icon name="bellOff" size={13} />
              </span>
            )}
            {last && <time className="room-time">{listStamp(last.createdAt, i18n.language)}</time>}
          </span>
          <span className="room-line">
            <span className="room-preview">{preview}</span>
            {mentions > 0 && (
              <span className="badge mention" title={t('mentions.unread', { count: mentions })}>
                @
              </span>
            )}
            {unread > 0 && <span className={`badge${room.muted ? ' muted' : ''}`}>{unread > 99 ? '99+' : unread}</span>}
          </span>
          {extra && <span className="sr-only">, {extra}</span>}
        </span>
      </button>
    </li>
  );
});

export function RoomList() {
  const { t } = useTranslation();
  const rooms = useAppStore(selectRoomList);
  const loaded = useAppStore(selectRoomsLoaded);
  const activeRoomId = useAppStore(selectActiveRoomId);
  const me = useAppStore(selectSelf);
  const profiles = useAppStore(selectProfiles);
  const setDialog = useAppStore((s) => s.setDialog);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const q = filter.trim().toLocaleLowerCase();
    if (!q) return rooms;
    // A direct room goes by the peer's live name, so the filter matches what is on screen.
    return rooms.filter((r) => roomName(r, profiles).toLocaleLowerCase().includes(q));
  }, [rooms, filter, profiles]);

  // Up/Down move focus through the list, as in a native list box.
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.room-row')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[e.key === 'ArrowDown' ? Math.min(buttons.length - 1, i + 1) : Math.max(0, i - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  return (
    <nav className="sidebar" aria-label={t('rooms.region')}>
      <div className="sidebar-head">
        {/* Named by its content (the visible name, then a hidden hint), so the spoken name starts with what is seen. */}
        <button type="button" className="me-button" onClick={() => setDialog('me')}>
          {me && <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} size={30} />}
          <span className="me-name">{me?.displayName}</span>
          <span className="sr-only">, {t('me.open')}</span>
        </button>
        <div className="head-actions">
          {me?.role === 'admin' && (
            <button type="button" className="icon" onClick={() => setDialog('admin')} aria-label={t('admin.open')} title={t('admin.open')}>
              <Icon name="shield" />
            </button>
          )}
          <button
            type="button"
            className="icon"
            onClick={() => useAppStore.getState().openSearch(useAppStore.getState().ui.activeRoomId)}
            aria-label={t('search.open')}
            title={t('search.open')}
          >
            <Icon name="searchText" />
          </button>
          <button
            type="button"
            className="icon"
            onClick={() => setDialog('direct')}
            aria-label={t('rooms.newDirect')}
            title={t('rooms.newDirect')}
          >
            <Icon name="chat" />
          </button>
          <button
            type="button"
            className="icon"
            onClick={() => setDialog('browse')}
            aria-label={t('rooms.browse')}
            title={t('rooms.browse')}
          >
            <Icon name="search" />
          </button>
          <button
            type="button"
            className="icon"
            onClick={() => setDialog('create-room')}
            aria-label={t('rooms.create')}
            title={t('rooms.create')}
          >
            <Icon name="plus" />
          </button>
        </div>
      </div>
      <div className="filter">
        <input
          id="room-filter"
          type="search"
          placeholder={t('rooms.filter')}
          aria-label={t('rooms.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') (document.querySelector('.room-row') as HTMLElement | null)?.focus();
            if (e.key === 'Escape') setFilter('');
          }}
        />
      </div>
      {/* Above the list, which fills the sidebar: below it the hint sat at the window's bottom edge, far from the filter. */}
      {loaded && rooms.length === 0 && <p className="sidebar-empty">{t('rooms.none')}</p>}
      {loaded && rooms.length > 0 && shown.length === 0 && <p className="sidebar-empty">{t('rooms.noMatch')}</p>}
      <ul className="room-list" onKeyDown={onKeyDown}>
        {shown.map((r) => (
          <RoomRow key={r.id} room={r} active={r.id === activeRoomId} selfId={me?.id ?? 0} />
        ))}
      </ul>
    </nav>
  );
}
