import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_DESKTOP_SETTINGS, DESKTOP_CHANNELS } from '../protocol/desktop.js';
import type { DesktopHandlers } from '../protocol/desktop.js';
import { registerIpcHandlers } from './ipc.js';
import type { InvokeEventLike, IpcMainLike } from './ipc.js';
import { APP_ORIGIN, isTrustedSender } from './security.js';

function setup() {
  const listeners = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void listeners.set(c, l), removeHandler: (c) => void listeners.delete(c) };
  const handlers = {
    restoreSession: vi.fn(async () => ({ ok: true as const, value: null })),
    login: vi.fn(async () => ({ ok: false as const, error: { code: 'INVALID_CREDENTIALS' as const, message: 'no' } })),
    register: vi.fn(async () => ({ ok: false as const, error: { code: 'USERNAME_TAKEN' as const, message: 'taken' } })),
    getAccessToken: vi.fn(async () => ({ ok: true as const, value: { accessToken: 'a', expiresAt: 'x' } })),
    logout: vi.fn(async () => ({ ok: true as const, value: null })),
    getServerUrl: vi.fn(async () => ({ ok: true as const, value: null })),
    sessionPersistence: vi.fn(async () => ({ ok: true as const, value: 'secure' as const })),
    notify: vi.fn(async () => ({ ok: true as const, value: 'shown' as const })),
    setUnreadCount: vi.fn(async () => ({ ok: true as const, value: null })),
    getSettings: vi.fn(async () => ({ ok: true as const, value: DEFAULT_DESKTOP_SETTINGS })),
    setSettings: vi.fn(async () => ({ ok: true as const, value: DEFAULT_DESKTOP_SETTINGS })),
    getDesktopInfo: vi.fn(async () => ({
      ok: true as const,
      value: { os: 'linux' as const, spellCheckLanguages: [], trayMayBeHidden: false, updateReady: null, canUpdate: false },
    })),
    installUpdate: vi.fn(async () => ({ ok: true as const, value: null })),
  } satisfies DesktopHandlers;
  const onError = vi.fn();
  const unregister = registerIpcHandlers({ ipcMain, handlers, isTrustedSender: (f) => isTrustedSender(f, [APP_ORIGIN]), onError });
  const own: InvokeEventLike = { senderFrame: { url: 'app://messenger/index.html', parent: null } };
  const invoke = (channel: string, event: InvokeEventLike, ...args: unknown[]) => {
    const l = listeners.get(channel);
    if (!l) throw new Error(`no handler for ${channel}`);
    return l(event, ...args);
  };
  return { listeners, handlers, invoke, own, unregister, onError };
}

describe('IPC', () => {
  it('registers every channel of the contract and removes them again', () => {
    const t = setup();
    expect([...t.listeners.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
    t.unregister();
    expect(t.listeners.size).toBe(0);
  });

  it('passes parsed arguments from the app page to the handler', async () => {
    const t = setup();
    await t.invoke(DESKTOP_CHANNELS.login, t.own, { serverUrl: 'https://chat.example.com/', login: ' ann ', password: 'pw' });
    expect(t.handlers.login).toHaveBeenCalledWith({ serverUrl: 'https://chat.example.com', login: 'ann', password: 'pw' });
    expect(await t.invoke(DESKTOP_CHANNELS.setUnreadCount, t.own, 3)).toEqual({ ok: true, value: null });
    expect(await t.invoke(DESKTOP_CHANNELS.getAccessToken, t.own)).toMatchObject({ ok: true });
  });

  it.each([
    [DESKTOP_CHANNELS.setUnreadCount, [-1]],
    [DESKTOP_CHANNELS.setUnreadCount, ['3']],
    [DESKTOP_CHANNELS.setUnreadCount, [1.5]],
    [DESKTOP_CHANNELS.notify, [{ roomId: 0, roomName: 'g', senderName: 'b', body: 'x', isDirect: false }]],
    [DESKTOP_CHANNELS.notify, [{ roomId: 1, roomName: 'g', senderName: 'b', body: 'x', isDirect: false, extra: 1 }]],
    [DESKTOP_CHANNELS.login, [{ serverUrl: 'file:///etc', login: 'a', password: 'b' }]],
    [DESKTOP_CHANNELS.login, [{ serverUrl: 'https://u:p@host', login: 'a', password: 'b' }]],
    [DESKTOP_CHANNELS.setSettings, [{ doNotDisturb: 'yes' }]],
    [DESKTOP_CHANNELS.setSettings, [{ nodeIntegration: true }]],
    [DESKTOP_CHANNELS.getSettings, [{}]],
    [DESKTOP_CHANNELS.logout, [undefined, 'extra']],
  ])('refuses bad arguments on %s %j without calling the handler', async (channel, args) => {
    const t = setup();
    const res = await t.invoke(channel, t.own, ...args);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    for (const h of Object.values(t.handlers)) expect(h).not.toHaveBeenCalled();
  });

  it.each([
    { senderFrame: { url: 'https://evil.example/', parent: null } },
    { senderFrame: { url: 'app://messenger/index.html', parent: { url: 'x' } } },
    { senderFrame: { url: 'file:///tmp/x.html', parent: null } },
    { senderFrame: null },
  ])('refuses foreign senders %j', async (event) => {
    const t = setup();
    expect(await t.invoke(DESKTOP_CHANNELS.getAccessToken, event)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(t.handlers.getAccessToken).not.toHaveBeenCalled();
  });

  it('turns a thrown handler error into INTERNAL without its message', async () => {
    const t = setup();
    t.handlers.getSettings.mockRejectedValueOnce(new Error('EACCES /home/ann/.config/secret'));
    const res = await t.invoke(DESKTOP_CHANNELS.getSettings, t.own);
    expect(res).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Unexpected error in the desktop app' } });
    expect(t.onError).toHaveBeenCalled();
  });
});
