// The signed-in layout: room list on the left, the open room on the right, a quiet connection banner on top.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/index.js';
import { selectActiveRoomId, selectConnection, selectDialog } from '../store/selectors.js';
import { useController } from './context.js';
import { BrowseRoomsDialog } from './dialogs/BrowseRoomsDialog.js';
import { CreateRoomDialog } from './dialogs/CreateRoomDialog.js';
import { DirectDialog } from './dialogs/DirectDialog.js';
import { MeDialog } from './dialogs/MeDialog.js';
import { SearchDialog } from './dialogs/SearchDialog.js';
import { RoomList } from './RoomList.js';
import { RoomView } from './room/RoomView.js';

function ConnectionBanner() {
  const { t } = useTranslation();
  const state = useAppStore(selectConnection);
  if (state === 'online' || state === 'connecting') return null;
  return (
    <div className={`banner ${state}`} role="status" aria-live="polite">
      {state === 'reconnecting' ? t('connection.reconnecting') : t('connection.offline')}
    </div>
  );
}

export function Shell() {
  const { t } = useTranslation();
  const controller = useController();
  const activeRoomId = useAppStore(selectActiveRoomId);
  const dialog = useAppStore(selectDialog);
  const setWindowFocused = useAppStore((s) => s.setWindowFocused);
  const openSearch = useAppStore((s) => s.openSearch);

  useEffect(() => {
    const focus = () => setWindowFocused(document.hasFocus() && document.visibilityState === 'visible');
    focus();
    window.addEventListener('focus', focus);
    window.addEventListener('blur', focus);
    document.addEventListener('visibilitychange', focus);
    // Alt+Up/Down moves between rooms from anywhere; Ctrl/Cmd+K jumps to the room filter; Ctrl/Cmd+F searches
    // the open room, Ctrl/Cmd+Shift+F every room.
    const keys = (e: KeyboardEvent) => {
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        controller.openAdjacentRoom(e.key === 'ArrowUp' ? -1 : 1);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        document.getElementById('room-filter')?.focus();
      } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        openSearch(e.shiftKey ? null : useAppStore.getState().ui.activeRoomId);
      }
    };
    window.addEventListener('keydown', keys);
    return () => {
      window.removeEventListener('focus', focus);
      window.removeEventListener('blur', focus);
      document.removeEventListener('visibilitychange', focus);
      window.removeEventListener('keydown', keys);
    };
  }, [controller, setWindowFocused, openSearch]);

  return (
    <div className="shell">
      <ConnectionBanner />
      <div className="columns">
        <RoomList />
        <main className="room-pane" aria-label={t('room.region')}>
          {activeRoomId !== null ? (
            <RoomView key={activeRoomId} roomId={activeRoomId} />
          ) : (
            <div className="empty-state">
              <div className="empty-mark" aria-hidden="true">
                ◆
              </div>
              <p>{t('room.pick')}</p>
            </div>
          )}
        </main>
      </div>
      {dialog === 'create-room' && <CreateRoomDialog />}
      {dialog === 'direct' && <DirectDialog />}
      {dialog === 'browse' && <BrowseRoomsDialog />}
      {dialog === 'me' && <MeDialog />}
      {dialog === 'search' && <SearchDialog />}
    </div>
  );
}
