// One open room: header, history, typing line, composer, and the members/settings side panel.
import { useRef, type ReactNode } from 'react';
import { Icon } from '../Icon.js';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import {
  selectOnline,
  selectPanel,
  selectProfiles,
  selectRoom,
  selectRoomName,
  selectTypingUserIds,
  selectUser,
} from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { DropZone } from './Attachments.js';
import { ImageViewer } from './AttachmentView.js';
import { useController } from '../context.js';
import { Announcer } from './Announcer.js';
import { Composer } from './Composer.js';
import { MembersPanel } from './MembersPanel.js';
import { MessageList } from './MessageList.js';
import { SettingsPanel } from './SettingsPanel.js';
import { useMembers } from './useMembers.js';

function TypingLine({ roomId, names }: { roomId: number; names: Map<number, string> }) {
  const { t } = useTranslation();
  const ids = useAppStore(selectTypingUserIds(roomId));
  const profiles = useAppStore(selectProfiles);
  const who = ids.map((id) => profiles[id]?.displayName ?? names.get(id) ?? t('typing.someone'));
  const text =
    who.length === 0
      ? ''
      : who.length === 1
        ? t('typing.one', { name: who[0] })
        : who.length === 2
          ? t('typing.two', { a: who[0], b: who[1] })
          : t('typing.many');
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}

/**
 * The side panel's frame: inline beside the conversation on wide windows, an overlay on medium ones, the whole pane on
 * narrow ones (layout.css). Its close button returns focus to the header button that opened it.
 */
function PanelFrame({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <aside className="side-panel" aria-label={label}>
      <div className="panel-head">
        <h3>{label}</h3>
        <button type="button" className="icon" aria-label={t('room.closePanel', { panel: label })} onClick={onClose}>
          <Icon name="x" />
        </button>
      </div>
      {children}
    </aside>
  );
}

export function RoomView({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const controller = useController();
  const membersButton = useRef<HTMLButtonElement>(null);
  const settingsButton = useRef<HTMLButtonElement>(null);
  const room = useAppStore(selectRoom(roomId));
  const panel = useAppStore(selectPanel);
  const setPanel = useAppStore((s) => s.setPanel);
  const peerOnline = useAppStore(selectOnline(room?.peer?.id));
  const peer = useAppStore(selectUser(room?.peer?.id, room?.peer));
  const name = useAppStore(selectRoomName(room, t('users.deleted')));
  const { members, reload } = useMembers(roomId);
  const presence = useAppStore((s) => s.presence.online);
  if (!room) return null;
  const onlineCount = members.filter((m) => presence[m.user.id] ?? m.user.online).length;
  const names = new Map(members.map((m) => [m.user.id, m.user.displayName]));

  const subtitle =
    room.kind === 'direct'
      ? peerOnline
        ? t('presence.online')
        : t('presence.offline')
      : [
          t('room.members', { count: room.memberCount }),
          members.length > 0 ? t('room.online', { count: onlineCount }) : '',
          room.description,
        ]
          .filter(Boolean)
          .join(' · ');
  const closePanel = () => {
    const opener = panel === 'members' ? membersButton.current : settingsButton.current;
    setPanel(null);
    opener?.focus();
  };

  return (
    <div className="room-view">
      <div className="room-main">
        <header className="room-head">
          <button
            type="button"
            className="icon back-button"
            aria-label={t('room.backToRooms')}
            title={t('room.backToRooms')}
            onClick={() => void controller.openRoom(null)}
          >
            <Icon name="back" />
          </button>
          {room.kind === 'direct' && peer ? (
            <Avatar id={peer.id} name={name} url={peer.avatarUrl} online={peerOnline} size={34} />
          ) : (
            <span className="room-glyph" aria-hidden="true">
              <Icon name={room.visibility === 'private' ? 'lock' : 'hash'} />
            </span>
          )}
          <div className="room-title">
            <h2>{name}</h2>
            <p title={room.description}>{subtitle}</p>
          </div>
          <div className="head-actions">
            {room.muted && <span className="muted-tag">{t('rooms.muted')}</span>}
            {!room.muted && room.notify === 'mentions' && <span className="muted-tag">{t('rooms.mentionsOnly')}</span>}
            {room.kind === 'group' && (
              <button
                ref={membersButton}
                type="button"
                className={`icon${panel === 'members' ? ' pressed' : ''}`}
                aria-pressed={panel === 'members'}
                aria-label={t('room.showMembers')}
                title={t('room.showMembers')}
                onClick={() => setPanel(panel === 'members' ? null : 'members')}
              >
                <Icon name="users" />
              </button>
            )}
            <button
              ref={settingsButton}
              type="button"
              className={`icon${panel === 'settings' ? ' pressed' : ''}`}
              aria-pressed={panel === 'settings'}
              aria-label={t('room.showSettings')}
              title={t('room.showSettings')}
              onClick={() => setPanel(panel === 'settings' ? null : 'settings')}
            >
              <Icon name="gear" />
            </button>
          </div>
        </header>
        <DropZone roomId={roomId}>
          <MessageList roomId={roomId} />
          <TypingLine roomId={roomId} names={names} />
          <Announcer roomId={roomId} />
          <Composer room={room} roomName={name} members={members} />
        </DropZone>
      </div>
      <ImageViewer />
      {panel === 'members' && room.kind === 'group' && (
        <PanelFrame label={t('members.title')} onClose={closePanel}>
          <MembersPanel room={room} members={members} onChanged={reload} />
        </PanelFrame>
      )}
      {panel === 'settings' && (
        <PanelFrame label={t('settings.title')} onClose={closePanel}>
          <SettingsPanel room={room} />
        </PanelFrame>
      )}
    </div>
  );
}
