import { describe, expect, it, vi } from 'vitest';
import type { AuthResult } from '../protocol/types.js';
import type { AuthClient, AuthOutcome } from './auth-client.js';
import { createSessionManager, REFRESH_MARGIN_MS } from './session-manager.js';
import { createSessionStore } from './session-store.js';
import { fakeSafeStorage, memoryStore } from './test-fakes.js';

const SERVER = 'https://chat.example.com';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

function authResult(n: number, expiresAt = T0 + 15 * 60_000): AuthResult {
  return {
    user: {
      id: 1,
      username: 'ann',
      displayName: 'Ann',
      avatarUrl: null,
      online: true,
      lastSeenAt: null,
      email: 'ann@example.com',
      createdAt: '2026-01-01T00:00:00.000Z',
      role: 'user',
    },
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    accessTokenExpiresAt: new Date(expiresAt).toISOString(),
  };
}

function setup(opts: { backend?: 'basic_text' } = {}) {
  let n = 0;
  const auth = {
    login: vi.fn(async (): Promise<AuthOutcome> => ({ ok: true, value: authResult(++n) })),
    register: vi.fn(async (): Promise<AuthOutcome> => ({ ok: true, value: authResult(++n) })),
    refresh: vi.fn(async (): Promise<AuthOutcome> => ({ ok: true, value: authResult(++n) })),
    logout: vi.fn(async () => undefined),
  } satisfies AuthClient;
  const kv = memoryStore();
  const store = createSessionStore({ safeStorage: fakeSafeStorage({ backend: opts.backend }), store: kv, platform: 'linux' });
  let now = T0;
  const onEnded = vi.fn();
  const manager = createSessionManager({ auth, store, deviceName: 'test', now: () => now, onEnded });
  return { auth, store, kv, manager, onEnded, advance: (ms: number) => (now += ms) };
}

describe('session manager', () => {
  it('restores nothing on first run', async () => {
    const { manager } = setup();
    expect(await manager.restore()).toEqual({ ok: true, value: null });
  });

  it('logs in, keeps the refresh token from the renderer, and restores with a rotated token next run', async () => {
    const a = setup();
    const login = await a.manager.login(SERVER, 'ann', 'pw');
    expect(login.ok && login.value).toMatchObject({ accessToken: 'access-1', persistence: 'secure', serverUrl: SERVER });
    expect(JSON.stringify(login)).not.toContain('refresh-');
    expect(a.auth.login).toHaveBeenCalledWith(SERVER, { login: 'ann', password: 'pw', deviceName: 'test' });

    const store2 = createSessionStore({ safeStorage: fakeSafeStorage(), store: a.kv, platform: 'linux' });
    const auth2 = { ...a.auth, refresh: vi.fn(async (): Promise<AuthOutcome> => ({ ok: true, value: authResult(7) })) };
    const next = createSessionManager({ auth: auth2, store: store2, deviceName: 'test', now: () => T0, onEnded: vi.fn() });
    const restored = await next.restore();
    expect(auth2.refresh).toHaveBeenCalledWith(SERVER, 'refresh-1');
    expect(restored.ok && restored.value?.accessToken).toBe('access-7');
    expect(store2.load()).toMatchObject({ kind: 'found', refreshToken: 'refresh-7' });
  });

  it('says the session expired and forgets it when refresh is refused with SESSION_EXPIRED', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    const b = createSessionManager({
      auth: {
        ...a.auth,
        refresh: async () => ({ ok: false, error: { code: 'SESSION_EXPIRED', message: 'the session has expired; log in again' } }),
      },
      store: createSessionStore({ safeStorage: fakeSafeStorage(), store: a.kv, platform: 'linux' }),
      deviceName: 'test',
      onEnded: vi.fn(),
    });
    const res = await b.restore();
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
    expect(await b.restore()).toEqual({ ok: true, value: null });
  });

  it('passes the server’s session-end code on (never reading the message text)', async () => {
    for (const code of ['PASSWORD_CHANGED', 'ACCOUNT_DISABLED', 'REUSE_DETECTED', 'LOGGED_OUT'] as const) {
      const a = setup();
      await a.manager.login(SERVER, 'ann', 'pw');
      // The text says "expired" on purpose: only the code counts.
      a.auth.refresh.mockResolvedValueOnce({ ok: false, error: { code, message: 'the session has expired' } });
      const res = await a.manager.getAccessToken(true);
      expect(res).toMatchObject({ ok: false, error: { code } });
      expect(a.onEnded).toHaveBeenCalledWith(code);
      expect(await a.manager.getAccessToken()).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    }
  });

  it('says the session was revoked for a refresh token the server does not know', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    a.auth.refresh.mockResolvedValueOnce({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'invalid refresh token' },
    });
    const res = await a.manager.getAccessToken(true);
    expect(res).toMatchObject({ ok: false, error: { code: 'SESSION_REVOKED' } });
    expect(a.onEnded).toHaveBeenCalledWith('SESSION_REVOKED');
    expect(await a.manager.getAccessToken()).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });

  it('keeps the session when the server is unreachable', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    a.auth.refresh.mockResolvedValueOnce({ ok: false, error: { code: 'NETWORK_ERROR', message: 'offline' } });
    expect(await a.manager.getAccessToken(true)).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR' } });
    expect(a.onEnded).not.toHaveBeenCalled();
    expect(await a.manager.getAccessToken(true)).toMatchObject({ ok: true, value: { accessToken: 'access-2' } });
  });

  it('hands out the cached access token until it is near expiry, then refreshes', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    expect(await a.manager.getAccessToken()).toMatchObject({ ok: true, value: { accessToken: 'access-1' } });
    expect(a.auth.refresh).not.toHaveBeenCalled();
    a.advance(15 * 60_000 - REFRESH_MARGIN_MS + 1);
    expect(await a.manager.getAccessToken()).toMatchObject({ ok: true, value: { accessToken: 'access-2' } });
  });

  it('never spends one refresh token twice when callers ask at the same time', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    const results = await Promise.all([a.manager.getAccessToken(true), a.manager.getAccessToken(true), a.manager.getAccessToken(true)]);
    expect(a.auth.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(results.map((r) => r.ok && r.value.accessToken))).toEqual(new Set(['access-2']));
  });

  it('keeps a basic_text session for this run only and says so', async () => {
    const a = setup({ backend: 'basic_text' });
    const res = await a.manager.login(SERVER, 'ann', 'pw');
    expect(res.ok && res.value.persistence).toBe('this-run-only');
    expect(JSON.stringify([...a.kv.data])).not.toContain('refresh-1');
  });

  it('logs out on the server and locally, and a refresh that lands afterwards does not bring the session back', async () => {
    const a = setup();
    await a.manager.login(SERVER, 'ann', 'pw');
    let release: (v: AuthOutcome) => void = () => undefined;
    a.auth.refresh.mockImplementationOnce(() => new Promise((r) => (release = r)));
    const pending = a.manager.getAccessToken(true);
    await a.manager.logout();
    expect(a.auth.logout).toHaveBeenCalledWith(SERVER, 'refresh-1', 'access-1');
    release({ ok: true, value: authResult(99) });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    expect(a.store.load().kind).toBe('none');
    expect(a.manager.serverUrl()).toBe(SERVER);
  });

  it('passes the server error through when login fails', async () => {
    const a = setup();
    a.auth.login.mockResolvedValueOnce({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: 'wrong' } });
    expect(await a.manager.login(SERVER, 'ann', 'bad')).toEqual({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: 'wrong' } });
    expect(a.store.load().kind).toBe('none');
  });
});
