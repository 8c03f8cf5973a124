// The signed-in layout: room list on the left, the open room on the right, a quiet connection banner on top.
// Below the narrow breakpoint (layout.css) one pane shows at a time: the list at #/, the room at #/rooms/<id>.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/index.js';
import { selectActiveRoomId, selectConnection, selectDialog, selectRoom, selectRoomsLoaded } from '../store/selectors.js';
import { startRouter } from '../services/router.js';
import { useController } from './context.js';
import { BrowseRoomsDialog } from './dialogs/BrowseRoomsDialog.js';
import { CreateRoomDialog } from './dialogs/CreateRoomDialog.js';
import { DirectDialog } from './dialogs/DirectDialog.js';
import { MeDialog } from './dialogs/MeDialog.js';
import { QuickSwitcher } from './dialogs/QuickSwitcher.js';
import { SearchDialog } from './dialogs/SearchDialog.js';
import { RoomList } from './RoomList.js';
import { RoomView } from './room/RoomView.js';

/** Without a keyring the login lasts for this run only: said once, plainly, until dismissed. */
function ThisRunOnlyBanner() {
  const { t } = useTranslation();
  const persistence = useAppStore((s) => s.session.persistence);
  const [dismissed, setDismissed] = useState(false);
  if (persistence !== 'this-run-only' || dismissed) return null;
  return (
    <div className="banner run-only" role="status">
      {t('session.thisRunOnly')}{' '}
      <button type="button" className="link" onClick={() => setDismissed(true)}>
        {t('session.dismiss')}
      </button>
    </div>
  );
}

/** A downloaded update: offered quietly until the user restarts or puts it off; never a forced restart. */
function UpdateBanner() {
  const { t } = useTranslation();
  const controller = useController();
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Downloaded before this page (re)loaded: main still has it.
    void controller.desktop.getDesktopInfo().then((r) => live && r.ok && r.value.updateReady && setVersion(r.value.updateReady));
    const off = controller.desktop.onUpdateReady((v) => setVersion(v));
    return () => {
      live = false;
      off();
    };
  }, [controller]);
  if (!version) return null;
  return (
    <div className="banner update" role="status">
      {t('update.ready', { version })}{' '}
      <button type="button" className="link" onClick={() => void controller.desktop.installUpdate()}>
        {t('update.restart')}
      </button>{' '}
      <button type="button" className="link" onClick={() => setVersion(null)}>
        {t('update.later')}
      </button>
    </div>
  );
}

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

/** A routed room that is not (or no longer) ours: a stale link, a room that was deleted, or one we were removed from. */
function RoomUnavailable({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const controller = useController();
  const gone = useAppStore((s) => (s.ui.roomGone?.roomId === roomId ? s.ui.roomGone.reason : null));
  return (
    <div className="empty-state" role="status">
      <p>{gone === 'deleted' ? t('room.goneDeleted') : gone === 'removed' ? t('room.goneRemoved') : t('room.unavailable')}</p>
      <button type="button" onClick={() => void controller.openRoom(null)}>
        {t('room.backToRooms')}
      </button>
    </div>
  );
}

export function Shell() {
  const { t } = useTranslation();
  const controller = useController();
  const activeRoomId = useAppStore(selectActiveRoomId);
  const activeRoom = useAppStore(selectRoom(activeRoomId));
  const roomsLoaded = useAppStore(selectRoomsLoaded);
  const dialog = useAppStore(selectDialog);
  const setWindowFocused = useAppStore((s) => s.setWindowFocused);
  const openSearch = useAppStore((s) => s.openSearch);

  // `#/rooms/<id>/messages/<seq>` (a link to one message) opens the room at that message, as a search result does.
  useEffect(
    () =>
      startRouter(
        controller.store,
        (roomId, seq) => void (roomId !== null && seq !== null ? controller.openAt(roomId, seq) : controller.openRoom(roomId)),
      ),
    [controller],
  );

  useEffect(() => {
    const focus = () => setWindowFocused(document.hasFocus() && document.visibilityState === 'visible');
    focus();
    window.addEventListener('focus', focus);
    window.addEventListener('blur', focus);
    document.addEventListener('visibilitychange', focus);
    // Alt+Up/Down moves between rooms from anywhere; Ctrl/Cmd+K opens the quick switcher; Ctrl/Cmd+F searches
    // the open room, Ctrl/Cmd+Shift+F every room.
    const keys = (e: KeyboardEvent) => {
      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        controller.openAdjacentRoom(e.key === 'ArrowUp' ? -1 : 1);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        controller.store.getState().setDialog('switcher');
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
    <div className="shell" data-pane={activeRoomId === null ? 'list' : 'room'}>
      <h1 className="sr-only">{t('app.name')}</h1>
      <ThisRunOnlyBanner />
      <UpdateBanner />
      <ConnectionBanner />
      <div className="columns">
        <RoomList />
        <main className="room-pane" aria-label={t('room.region')}>
          {activeRoomId !== null && activeRoom ? (
            <RoomView key={activeRoomId} roomId={activeRoomId} />
          ) : activeRoomId !== null ? (
            roomsLoaded && <RoomUnavailable roomId={activeRoomId} />
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
      {dialog === 'switcher' && <QuickSwitcher />}
      {dialog === 'search' && <SearchDialog />}
    </div>
  );
}
