// Preload (sandboxed, bundled to one CommonJS file): builds window.desktop from the contract. One named function per
// channel; the renderer never touches ipcRenderer, never picks a channel, and never receives an IpcRendererEvent.
import { DESKTOP_CHANNELS, DESKTOP_EVENTS } from '../protocol/desktop-channels.js';
import type { DesktopApi, DesktopEvent, DesktopEventPayloads, DesktopInvokeMethod, Unsubscribe } from '../protocol/desktop.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createDesktopApi(ipc: IpcRendererLike): DesktopApi {
  // Main's handlers return exactly the DesktopApi result type for each method (main/ipc.ts, DesktopHandlers).
  const call = <M extends DesktopInvokeMethod>(method: M, ...args: unknown[]) =>
    ipc.invoke(DESKTOP_CHANNELS[method], ...args) as ReturnType<DesktopApi[M]>;

  // A room link can arrive (cold start from a link or a notification) before the UI subscribes; keep the latest one
  // and hand it to the first subscriber, so that click is never lost.
  let pendingRoom: number | null = null;
  const roomListeners = new Set<(roomId: number) => void>();
  ipc.on(DESKTOP_EVENTS.openRoom, (_event, roomId) => {
    if (typeof roomId !== 'number') return;
    if (roomListeners.size === 0) pendingRoom = roomId;
    for (const cb of roomListeners) cb(roomId);
  });

  function subscribe<E extends DesktopEvent>(channel: E, cb: (payload: DesktopEventPayloads[E]) => void): Unsubscribe {
    const listener = (_event: unknown, payload: unknown) => cb(payload as DesktopEventPayloads[E]);
    ipc.on(channel, listener);
    return () => {
      ipc.removeListener(channel, listener);
    };
  }

  return {
    platform: 'desktop',
    restoreSession: () => call('restoreSession'),
    login: (input) => call('login', input),
    register: (input) => call('register', input),
    getAccessToken: (options) => (options === undefined ? call('getAccessToken') : call('getAccessToken', options)),
    logout: () => call('logout'),
    getServerUrl: () => call('getServerUrl'),
    sessionPersistence: () => call('sessionPersistence'),
    notify: (input) => call('notify', input),
    setUnreadCount: (count) => call('setUnreadCount', count),
    getSettings: () => call('getSettings'),
    setSettings: (patch) => call('setSettings', patch),
    getDesktopInfo: () => call('getDesktopInfo'),
    installUpdate: () => call('installUpdate'),
    onOpenRoom(cb) {
      const listener = (roomId: number) => cb(roomId);
      roomListeners.add(listener);
      if (pendingRoom !== null) {
        const roomId = pendingRoom;
        pendingRoom = null;
        queueMicrotask(() => listener(roomId));
      }
      return () => {
        roomListeners.delete(listener);
      };
    },
    onSessionEnded: (cb) => subscribe(DESKTOP_EVENTS.sessionEnded, cb),
    onResume: (cb) => subscribe(DESKTOP_EVENTS.resume, cb),
    onSettingsChanged: (cb) => subscribe(DESKTOP_EVENTS.settingsChanged, cb),
    onUpdateReady: (cb) => subscribe(DESKTOP_EVENTS.updateReady, cb),
  };
}
