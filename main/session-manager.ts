// Main process: owns the session. The renderer gets access tokens from here and never sees a refresh token.
// Refresh tokens are single-use with reuse detection on the server, so refreshes are single-flight: two parallel
// refreshes with the same token would revoke the whole session.
import type { AuthResult } from '../protocol/types.js';
import type { AccessToken, DesktopError, DesktopResult, DesktopSession, SessionEndReason } from '../protocol/desktop.js';
import { isSessionEndCode, type SessionEndCode } from '../protocol/errors.js';
import type { AuthClient } from './auth-client.js';
import type { Persistence, SessionStore } from './session-store.js';

/** Refresh this long before the access token expires, so a token handed out is still good for a request or a connect. */
export const REFRESH_MARGIN_MS = 60_000;

interface Current {
  serverUrl: string;
  refreshToken: string;
  accessToken: string;
  expiresAt: number;
  user: AuthResult['user'];
  persistence: Persistence;
}

export interface SessionManager {
  restore(): Promise<DesktopResult<DesktopSession | null>>;
  login(serverUrl: string, login: string, password: string): Promise<DesktopResult<DesktopSession>>;
  register(
    serverUrl: string,
    body: { username: string; email: string; password: string; displayName?: string },
  ): Promise<DesktopResult<DesktopSession>>;
  getAccessToken(forceRefresh?: boolean): Promise<DesktopResult<AccessToken>>;
  logout(): Promise<DesktopResult<null>>;
  serverUrl(): string | null;
}

export function createSessionManager(deps: {
  auth: AuthClient;
  store: SessionStore;
  deviceName: string;
  now?: () => number;
  /** A session died outside an explicit logout: the renderer shows the login screen with the reason. */
  onEnded: (reason: SessionEndReason) => void;
}): SessionManager {
  const { auth, store, deviceName, onEnded } = deps;
  const now = deps.now ?? Date.now;
  let current: Current | null = null;
  let inflight: { refreshToken: string; promise: Promise<DesktopResult<Current>> } | null = null;
  // Bumped by login/logout so a refresh that finishes afterwards cannot resurrect the old session.
  let generation = 0;

  function adopt(serverUrl: string, result: AuthResult): Current {
    const persistence = store.save(serverUrl, result.refreshToken);
    current = {
      serverUrl,
      refreshToken: result.refreshToken,
      accessToken: result.accessToken,
      expiresAt: Date.parse(result.accessTokenExpiresAt),
      user: result.user,
      persistence,
    };
    return current;
  }

  function toSession(c: Current): DesktopSession {
    return {
      user: c.user,
      serverUrl: c.serverUrl,
      accessToken: c.accessToken,
      expiresAt: new Date(c.expiresAt).toISOString(),
      persistence: c.persistence,
    };
  }

  /**
   * Maps a refused refresh to why the session is gone, by the server's code (never its text); null when it may still
   * be alive (offline, 5xx such as SERVICE_UNAVAILABLE, 429).
   */
  function deadReason(error: DesktopError): SessionEndCode | null {
    if (isSessionEndCode(error.code)) return error.code;
    if (error.code === 'TOKEN_EXPIRED') return 'SESSION_EXPIRED';
    // A refresh token the server does not know (or a malformed one): whatever it was, that session is gone.
    if (['UNAUTHENTICATED', 'INVALID_CREDENTIALS', 'FORBIDDEN', 'VALIDATION_FAILED'].includes(error.code)) return 'SESSION_REVOKED';
    return null;
  }

  function endedError(code: SessionEndCode, serverError: DesktopError): DesktopError {
    return { code, message: serverError.message };
  }

  function refresh(serverUrl: string, refreshToken: string): Promise<DesktopResult<Current>> {
    if (inflight?.refreshToken === refreshToken) return inflight.promise;
    const gen = generation;
    const promise = (async (): Promise<DesktopResult<Current>> => {
      const res = await auth.refresh(serverUrl, refreshToken);
      if (gen !== generation) {
        if (res.ok) void auth.logout(serverUrl, res.value.refreshToken, res.value.accessToken);
        return { ok: false, error: { code: 'NOT_LOGGED_IN', message: 'Logged out' } };
      }
      if (res.ok) return { ok: true, value: adopt(serverUrl, res.value) };
      const reason = deadReason(res.error);
      if (reason === null) return res;
      current = null;
      store.clear();
      return { ok: false, error: endedError(reason, res.error) };
    })().finally(() => {
      if (inflight?.promise === promise) inflight = null;
    });
    inflight = { refreshToken, promise };
    return promise;
  }

  async function startWith(
    serverUrl: string,
    call: Promise<Awaited<ReturnType<AuthClient['login']>>>,
  ): Promise<DesktopResult<DesktopSession>> {
    const previous = current;
    generation++;
    const res = await call;
    if (!res.ok) return res;
    if (previous) void auth.logout(previous.serverUrl, previous.refreshToken, previous.accessToken);
    return { ok: true, value: toSession(adopt(serverUrl, res.value)) };
  }

  return {
    async restore() {
      if (current) return { ok: true, value: toSession(current) };
      const loaded = store.load();
      if (loaded.kind !== 'found') return { ok: true, value: null };
      const res = await refresh(loaded.serverUrl, loaded.refreshToken);
      return res.ok ? { ok: true, value: toSession(res.value) } : res;
    },

    login: (serverUrl, login, password) => startWith(serverUrl, auth.login(serverUrl, { login, password, deviceName })),

    register: (serverUrl, body) => startWith(serverUrl, auth.register(serverUrl, { ...body, deviceName })),

    async getAccessToken(forceRefresh = false) {
      const c = current;
      if (!c) return { ok: false, error: { code: 'NOT_LOGGED_IN', message: 'Not logged in' } };
      if (!forceRefresh && c.expiresAt - now() > REFRESH_MARGIN_MS) {
        return { ok: true, value: { accessToken: c.accessToken, expiresAt: new Date(c.expiresAt).toISOString() } };
      }
      const res = await refresh(c.serverUrl, c.refreshToken);
      if (!res.ok) {
        if (isSessionEndCode(res.error.code)) onEnded(res.error.code);
        return res;
      }
      return { ok: true, value: { accessToken: res.value.accessToken, expiresAt: new Date(res.value.expiresAt).toISOString() } };
    },

    async logout() {
      const c = current;
      generation++;
      current = null;
      store.clear();
      if (c) await auth.logout(c.serverUrl, c.refreshToken, c.accessToken);
      return { ok: true, value: null };
    },

    serverUrl: () => current?.serverUrl ?? store.lastServerUrl(),
  };
}
