// Typed REST client for every endpoint of PROTOCOL.md. Runs in browsers, Electron's renderer and Node 20+ (fetch).
import type { ApiErrorBody, ErrorCode } from '../protocol/errors.js';
import { isErrorResponse } from '../protocol/errors.js';
import type {
  AuthResult,
  HistoryPage,
  SearchPage,
  Member,
  Message,
  MyRoom,
  NotifyLevel,
  ReactionsChange,
  ReadResult,
  Role,
  Room,
  SessionInfo,
  UserPublic,
  UserSelf,
  Visibility,
} from '../protocol/types.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK';
  readonly details: ApiErrorBody['details'];
  readonly retryAfter: number | undefined;

  constructor(status: number, body: ApiErrorBody | { code: 'NETWORK'; message: string }) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = 'details' in body ? body.details : undefined;
    this.retryAfter = 'retryAfter' in body ? body.retryAfter : undefined;
  }
}

export interface ApiClientOptions {
  serverUrl: string;
  /** Returns a current access token (refreshing it first if needed); `force` asks for a fresh one after a 401. */
  getAccessToken?: (force?: boolean) => Promise<string | null>;
  fetch?: typeof fetch;
  /** Sent with refresh/logout so a browser gets its HttpOnly refresh cookie (web client). */
  credentials?: Credentials;
}

type Query = Record<string, string | number | boolean | undefined>;
type Credentials = 'omit' | 'same-origin' | 'include';

export class ApiClient {
  readonly serverUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.serverUrl = options.serverUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** Low-level call: JSON in, JSON out, errors as ApiError. Retries once with a fresh token on TOKEN_EXPIRED. */
  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Query; auth?: boolean; credentials?: Credentials } = {},
  ): Promise<T> {
    const auth = opts.auth ?? true;
    const attempt = async (force: boolean): Promise<Response> => {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
      if (auth && this.options.getAccessToken) {
        const token = await this.options.getAccessToken(force);
        if (token) headers['Authorization'] = `Bearer ${token}`;
      }
      const qs = opts.query
        ? '?' +
          new URLSearchParams(
            Object.entries(opts.query)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]): [string, string] => [k, String(v)]),
          ).toString()
        : '';
      try {
        const init: RequestInit = { method, headers };
        if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
        const credentials = opts.credentials ?? (auth ? undefined : this.options.credentials);
        if (credentials) init.credentials = credentials;
        return await this.fetchImpl(`${this.serverUrl}/api${path}${qs}`, init);
      } catch (err) {
        throw new ApiError(0, { code: 'NETWORK', message: err instanceof Error ? err.message : 'network error' });
      }
    };
    let res = await attempt(false);
    if (res.status === 401 && auth && this.options.getAccessToken) {
      const body = (await res
        .clone()
        .json()
        .catch(() => null)) as unknown;
      if (isErrorResponse(body) && body.error.code === 'TOKEN_EXPIRED') res = await attempt(true);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page, say): handled as a bare status below.
    }
    if (!res.ok) {
      if (isErrorResponse(data)) throw new ApiError(res.status, data.error);
      throw new ApiError(res.status, {
        code: res.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'VALIDATION_FAILED',
        message: `HTTP ${res.status}`,
      } as ApiErrorBody);
    }
    return data as T;
  }

  /** A current access token, for requests made outside fetch (uploads with progress use XMLHttpRequest). */
  async accessToken(force = false): Promise<string | null> {
    return (await this.options.getAccessToken?.(force)) ?? null;
  }

  /** The bytes of a file or thumbnail (`/files/<id>`, `/files/<id>/thumbnail`), with the bearer token. */
  async blob(path: string): Promise<Blob> {
    const get = async (force: boolean) => {
      const token = await this.accessToken(force);
      try {
        return await this.fetchImpl(`${this.serverUrl}/api${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      } catch (err) {
        throw new ApiError(0, { code: 'NETWORK', message: err instanceof Error ? err.message : 'network error' });
      }
    };
    let res = await get(false);
    if (res.status === 401) res = await get(true);
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as unknown;
      if (isErrorResponse(data)) throw new ApiError(res.status, data.error);
      throw new ApiError(res.status, { code: res.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'NOT_FOUND', message: `HTTP ${res.status}` });
    }
    return res.blob();
  }

  // ---- auth (public) ----
  register(body: { username: string; email: string; password: string; displayName?: string; deviceName?: string }) {
    return this.request<AuthResult>('POST', '/auth/register', { body, auth: false });
  }
  login(body: { login: string; password: string; deviceName?: string }) {
    return this.request<AuthResult>('POST', '/auth/login', { body, auth: false });
  }
  refresh(refreshToken?: string) {
    return this.request<AuthResult>('POST', '/auth/refresh', { body: refreshToken ? { refreshToken } : {}, auth: false });
  }
  /** Email (SMTP_URL): 202 whether or not an account has the address; EMAIL_DISABLED without email. */
  requestPasswordReset(email: string) {
    return this.request<void>('POST', '/auth/password-reset/request', { body: { email }, auth: false });
  }
  verifyEmail(token: string) {
    return this.request<void>('POST', '/auth/verify-email', { body: { token }, auth: false });
  }
  resendVerification(email: string) {
    return this.request<void>('POST', '/auth/verify-email/resend', { body: { email }, auth: false });
  }
  changeEmail(email: string, currentPassword: string) {
    return this.request<UserSelf>('PUT', '/users/me/email', { body: { email, currentPassword } });
  }
  logout(refreshToken?: string) {
    return this.request<void>('POST', '/auth/logout', { body: refreshToken ? { refreshToken } : {} });
  }
  sessions() {
    return this.request<SessionInfo[]>('GET', '/auth/sessions');
  }
  revokeSession(id: number) {
    return this.request<void>('DELETE', `/auth/sessions/${id}`);
  }
  /** Redeems a one-time password-reset link (public); every session of the account ends. */
  resetPassword(token: string, newPassword: string) {
    return this.request<void>('POST', '/auth/password-reset', { body: { token, newPassword }, auth: false });
  }

  // ---- users ----
  me() {
    return this.request<UserSelf>('GET', '/users/me');
  }
  removeAvatar() {
    return this.request<UserSelf>('DELETE', '/users/me/avatar');
  }
  updateMe(body: { displayName?: string; avatarUrl?: string | null }) {
    return this.request<UserSelf>('PATCH', '/users/me', { body });
  }
  changePassword(currentPassword: string, newPassword: string) {
    return this.request<void>('POST', '/users/me/password', { body: { currentPassword, newPassword } });
  }
  /** Deletes my account (my password confirms it); every session ends with ACCOUNT_DELETED. */
  deleteMe(password: string) {
    return this.request<void>('DELETE', '/users/me', { body: { password } });
  }
  searchUsers(query: { q?: string; online?: boolean; limit?: number } = {}) {
    return this.request<UserPublic[]>('GET', '/users', { query });
  }
  user(id: number) {
    return this.request<UserPublic>('GET', `/users/${id}`);
  }
  /** Current profiles of up to 100 users (ids that match nobody are left out). */
  usersByIds(ids: readonly number[]) {
    return this.request<UserPublic[]>('GET', '/users', { query: { ids: ids.join(',') } });
  }

  // ---- rooms ----
  rooms() {
    return this.request<MyRoom[]>('GET', '/rooms');
  }
  createRoom(body: { name: string; description?: string; visibility: Visibility; memberIds?: number[] }) {
    return this.request<MyRoom>('POST', '/rooms', { body });
  }
  publicRooms(query: { q?: string; limit?: number } = {}) {
    return this.request<Room[]>('GET', '/rooms/public', { query });
  }
  openDirect(userId: number) {
    return this.request<MyRoom>('POST', '/rooms/direct', { body: { userId } });
  }
  room(id: number) {
    return this.request<MyRoom | Room>('GET', `/rooms/${id}`);
  }
  updateRoom(id: number, body: { name?: string; description?: string; visibility?: Visibility }) {
    return this.request<Room>('PATCH', `/rooms/${id}`, { body });
  }
  deleteRoom(id: number) {
    return this.request<void>('DELETE', `/rooms/${id}`);
  }
  members(id: number) {
    return this.request<Member[]>('GET', `/rooms/${id}/members`);
  }
  addMember(id: number, userId: number, role?: 'admin' | 'member') {
    return this.request<Member>('POST', `/rooms/${id}/members`, { body: role ? { userId, role } : { userId } });
  }
  setMemberRole(id: number, userId: number, role: Role) {
    return this.request<Member>('PATCH', `/rooms/${id}/members/${userId}`, { body: { role } });
  }
  removeMember(id: number, userId: number) {
    return this.request<void>('DELETE', `/rooms/${id}/members/${userId}`);
  }
  join(id: number) {
    return this.request<MyRoom>('POST', `/rooms/${id}/join`);
  }
  leave(id: number) {
    return this.request<void>('POST', `/rooms/${id}/leave`);
  }
  markRead(id: number, seq: number) {
    return this.request<ReadResult>('PUT', `/rooms/${id}/read`, { body: { seq } });
  }
  setMuted(id: number, muted: boolean) {
    return this.request<MyRoom>('PUT', `/rooms/${id}/settings`, { body: { muted } });
  }
  setNotify(id: number, notify: NotifyLevel) {
    return this.request<MyRoom>('PUT', `/rooms/${id}/settings`, { body: { notify } });
  }

  // ---- messages ----
  history(roomId: number, query: { before?: number; after?: number; around?: number; limit?: number } = {}) {
    return this.request<HistoryPage>('GET', `/rooms/${roomId}/messages`, { query });
  }
  searchMessages(query: { q: string; roomId?: number; senderId?: number; before?: number; limit?: number }) {
    return this.request<SearchPage>('GET', '/search/messages', { query });
  }
  send(roomId: number, body: { clientId: string; body: string; replyToId?: number | null }) {
    return this.request<Message>('POST', `/rooms/${roomId}/messages`, { body });
  }
  message(id: number) {
    return this.request<Message>('GET', `/messages/${id}`);
  }
  edit(id: number, body: string) {
    return this.request<Message>('PATCH', `/messages/${id}`, { body: { body } });
  }
  recall(id: number) {
    return this.request<Message>('DELETE', `/messages/${id}`);
  }
  /** Adds (`on`) or removes my reaction; idempotent. */
  react(id: number, emoji: string, on: boolean) {
    return this.request<ReactionsChange>(on ? 'PUT' : 'DELETE', `/messages/${id}/reactions/${encodeURIComponent(emoji)}`);
  }
}
