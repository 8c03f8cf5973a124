import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNELS, DESKTOP_EVENTS } from '../protocol/desktop.js';
import { createDesktopApi } from './api.js';
import type { IpcRendererLike } from './api.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async () => ({ ok: true, value: null })),
    on: (c: string, l: Listener) => void (listeners.get(c) ?? listeners.set(c, new Set()).get(c))?.add(l),
    removeListener: (c: string, l: Listener) => void listeners.get(c)?.delete(l),
  } satisfies IpcRendererLike;
  const emit = (c: string, payload: unknown) => {
    for (const l of listeners.get(c) ?? []) l({ sender: 'IpcRendererEvent with ports and sender' }, payload);
  };
  return { ipc, emit, count: (c: string) => listeners.get(c)?.size ?? 0 };
}

describe('preload DesktopApi', () => {
  it('invokes one named channel per method with the argument as given', async () => {
    const { ipc } = fakeIpc();
    const api = createDesktopApi(ipc);
    expect(api.platform).toBe('desktop');
    await api.setUnreadCount(3);
    await api.login({ serverUrl: 'https://s.io', login: 'a', password: 'b' });
    await api.getAccessToken();
    await api.getAccessToken({ forceRefresh: true });
    await api.restoreSession();
    expect(ipc.invoke.mock.calls).toEqual([
      [DESKTOP_CHANNELS.setUnreadCount, 3],
      [DESKTOP_CHANNELS.login, { serverUrl: 'https://s.io', login: 'a', password: 'b' }],
      [DESKTOP_CHANNELS.getAccessToken],
      [DESKTOP_CHANNELS.getAccessToken, { forceRefresh: true }],
      [DESKTOP_CHANNELS.restoreSession],
    ]);
  });

  it('exposes no ipcRenderer or generic send', () => {
    const api = createDesktopApi(fakeIpc().ipc) as unknown as Record<string, unknown>;
    for (const key of ['send', 'invoke', 'on', 'ipcRenderer', 'sendSync']) expect(api[key]).toBeUndefined();
  });

  it('wraps subscriptions: the callback never sees the IPC event, and unsubscribe removes the listener', () => {
    const { ipc, emit, count } = fakeIpc();
    const api = createDesktopApi(ipc);
    const cb = vi.fn();
    const off = api.onSessionEnded(cb);
    emit(DESKTOP_EVENTS.sessionEnded, 'SESSION_REVOKED');
    expect(cb.mock.calls).toEqual([['SESSION_REVOKED']]);
    off();
    expect(count(DESKTOP_EVENTS.sessionEnded)).toBe(0);
    emit(DESKTOP_EVENTS.sessionEnded, 'SESSION_EXPIRED');
    expect(cb).toHaveBeenCalledTimes(1);

    const resume = vi.fn();
    api.onResume(resume);
    emit(DESKTOP_EVENTS.resume, 'online');
    expect(resume).toHaveBeenCalledWith('online');
  });

  it('keeps a room opened before anyone listened and hands it to the first subscriber', async () => {
    const { ipc, emit } = fakeIpc();
    const api = createDesktopApi(ipc);
    emit(DESKTOP_EVENTS.openRoom, 12);
    const cb = vi.fn();
    const off = api.onOpenRoom(cb);
    await Promise.resolve();
    expect(cb).toHaveBeenCalledWith(12);
    emit(DESKTOP_EVENTS.openRoom, 13);
    expect(cb).toHaveBeenLastCalledWith(13);
    off();
    emit(DESKTOP_EVENTS.openRoom, 14);
    expect(cb).toHaveBeenCalledTimes(2);
  });
});
