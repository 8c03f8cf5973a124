// Main process: the four auth calls of PROTOCOL.md, over an injected fetch (Electron's net.fetch in the app, so
// system proxies and certificates apply; a fake in tests). Every answer is parsed; nothing unchecked reaches the UI.
import { isErrorResponse } from '../protocol/errors.js';
import { AuthResultSchema } from '../protocol/schemas.js';
import { RegisterPendingSchema } from '../protocol/admin.js';
import type { AuthResult } from '../protocol/types.js';
import type { DesktopError } from '../protocol/desktop.js';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

export type AuthOutcome = { ok: true; value: AuthResult } | { ok: false; error: DesktopError };

export interface AuthClient {
  login(serverUrl: string, body: { login: string; password: string; deviceName?: string }): Promise<AuthOutcome>;
  register(
    serverUrl: string,
    body: { username: string; email: string; password: string; displayName?: string; deviceName?: string; invite?: string },
  ): Promise<AuthOutcome>;
  refresh(serverUrl: string, refreshToken: string): Promise<AuthOutcome>;
  /** Best effort: the local session ends whatever the server says. */
  logout(serverUrl: string, refreshToken: string, accessToken: string | null): Promise<void>;
}

const TIMEOUT_MS = 15_000;

export function createAuthClient(fetchImpl: FetchLike, opts: { timeoutMs?: number } = {}): AuthClient {
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;

  async function post(serverUrl: string, path: string, body: object, accessToken?: string | null) {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    });
    try {
      return await Promise.race([fetchImpl(`${serverUrl}/api${path}`, { method: 'POST', headers, body: JSON.stringify(body) }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function authCall(serverUrl: string, path: string, body: object): Promise<AuthOutcome> {
    let res;
    try {
      res = await post(serverUrl, path, body);
    } catch (err) {
      return networkError(serverUrl, err);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      return {
        ok: false,
        error: { code: 'NETWORK_ERROR', message: `${serverUrl} did not answer like a Messenger server (HTTP ${res.status})` },
      };
    }
    if (res.status >= 200 && res.status < 300) {
      const parsed = AuthResultSchema.safeParse(json);
      if (parsed.success) return { ok: true, value: parsed.data };
      // Registration with EMAIL_VERIFICATION=required: the account exists, but logs in once its address is confirmed.
      if (RegisterPendingSchema.safeParse(json).success) {
        return { ok: false, error: { code: 'VERIFICATION_REQUIRED', message: 'confirm your email address, then log in' } };
      }
      return { ok: false, error: { code: 'NETWORK_ERROR', message: `${serverUrl} answered with an unexpected body` } };
    }
    if (isErrorResponse(json)) {
      const error: DesktopError = { code: json.error.code, message: json.error.message };
      if (typeof json.error.retryAfter === 'number') error.retryAfter = json.error.retryAfter;
      return { ok: false, error };
    }
    return { ok: false, error: { code: 'NETWORK_ERROR', message: `${serverUrl} answered HTTP ${res.status}` } };
  }

  return {
    login: (serverUrl, body) => authCall(serverUrl, '/auth/login', body),
    register: (serverUrl, body) => authCall(serverUrl, '/auth/register', body),
    refresh: (serverUrl, refreshToken) => authCall(serverUrl, '/auth/refresh', { refreshToken }),
    async logout(serverUrl, refreshToken, accessToken) {
      try {
        await post(serverUrl, '/auth/logout', { refreshToken }, accessToken);
      } catch {
        // Offline logout still forgets the token locally; the server session expires on its own.
      }
    },
  };
}

function networkError(serverUrl: string, err: unknown): AuthOutcome {
  const reason = err instanceof Error ? err.message : String(err);
  return { ok: false, error: { code: 'NETWORK_ERROR', message: `Cannot reach ${serverUrl}: ${reason}` } };
}
