// window.desktop for the browser build. The session lives with the server: the refresh token is in an HttpOnly
// cookie (X-Session-Cookie: 1), the access token only in memory. Notifications use the Web Notification API and
// the unread count goes into document.title.
import { ApiClient, ApiError } from '../../../client/api.js';
import { isSessionEndCode } from '../../../protocol/errors.js';
import {
  DEFAULT_DESKTOP_SETTINGS,
  DesktopLoginArgs,
  DesktopRegisterArgs,
  DesktopSettingsSchema,
  type AccessToken,
  type DesktopApi,
  type DesktopError,
  type DesktopResult,
  type DesktopSession,
  type DesktopSettings,
  type ResumeReason,
  type SessionEndReason,
} from '../../../protocol/desktop.js';
import type { AuthResult } from '../../../protocol/types.js';
import i18next from 'i18next';
import { probeServer } from './probe.js';

const SETTINGS_KEY = 'messenger.settings';
const SERVER_KEY = 'messenger.serverUrl';
const BASE_TITLE = 'Messenger';
/** Messages of one room closer together than this share one updating banner (as main/notifier.ts does). */
const BURST_WINDOW_MS = 10_000;
const bursts = new Map<number, { count: number; lastAt: number }>();
/** Refresh this long before the access token expires, so calls never wait on an expired one. */
const EARLY_MS = 60_000;

type Listener<T> = (value: T) => void;

function listeners<T>() {
  const set = new Set<Listener<T>>();
  return {
    add(cb: Listener<T>) {
      set.add(cb);
      return () => void set.delete(cb);
    },
    emit(value: T) {
      for (const cb of [...set]) cb(value);
    },
  };
}

const ok = <T>(value: T): DesktopResult<T> => ({ ok: true, value });
const fail = (code: DesktopError['code'], message: string): { ok: false; error: DesktopError } => ({ ok: false, error: { code, message } });

function toFailure(err: unknown): { ok: false; error: DesktopError } {
  if (err instanceof ApiError) return fail(err.code === 'NETWORK' ? 'NETWORK_ERROR' : err.code, err.message);
  return fail('NETWORK_ERROR', err instanceof Error ? err.message : 'unexpected error');
}

/** safeParse that never throws (ServerUrl's refine can throw on text that is not a URL at all). */
function safe<T>(parse: () => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } }) {
  try {
    return parse();
  } catch {
    return { success: false as const, error: { issues: [{ message: 'must be an http(s) URL' }] } };
  }
}

function deviceName(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom/.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /Linux/.test(ua)
          ? 'Linux'
          : '';
  return `Web · ${browser}${os ? ` on ${os}` : ''}`;
}

export interface WebDesktopOptions {
  /** Where the page came from; the web client talks to the server that served it. */
  origin?: string;
  storage?: Storage;
}

export function createWebDesktop(opts: WebDesktopOptions = {}): DesktopApi {
  const storage = opts.storage ?? window.localStorage;
  const origin = opts.origin ?? window.location.origin;
  const openRoom = listeners<number>();
  const sessionEnded = listeners<SessionEndReason>();
  const resume = listeners<ResumeReason>();
  const settingsChanged = listeners<DesktopSettings>();

  let serverUrl = storage.getItem(SERVER_KEY) ?? origin;
  let token: AccessToken | null = null;
  // Another server cannot set a cookie this page may send back (different site, credentials-less CORS), so with one
  // the refresh token lives in this tab's memory only: the session lasts until the tab closes (this-run-only).
  let memoryRefresh: string | null = null;
  const isOwnServer = () => {
    try {
      return new URL(serverUrl).origin === origin;
    } catch {
      return false;
    }
  };
  let refreshing: Promise<DesktopResult<AccessToken>> | null = null;

  // Every auth call opts in to the cookie; fetch sends it because the API is same-origin.
  const cookieFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('X-Session-Cookie', '1');
    return fetch(input, { ...init, headers, credentials: 'same-origin' });
  };
  const authApi = () =>
    new ApiClient({
      serverUrl,
      // (A bare `fetch` would be called with the client as `this`: Illegal invocation.)
      fetch: isOwnServer() ? cookieFetch : (input, init) => fetch(input, { ...init, credentials: 'omit' }),
      getAccessToken: async () => token?.accessToken ?? null,
    });

  const adopt = (result: AuthResult): DesktopSession => {
    token = { accessToken: result.accessToken, expiresAt: result.accessTokenExpiresAt };
    storage.setItem(SERVER_KEY, serverUrl);
    const own = isOwnServer();
    if (!own) memoryRefresh = result.refreshToken;
    // A server-kept HttpOnly cookie survives reloads; nothing secret touches localStorage.
    const persistence = own ? ('secure' as const) : ('this-run-only' as const);
    return { user: result.user, accessToken: result.accessToken, expiresAt: result.accessTokenExpiresAt, serverUrl, persistence };
  };

  const refresh = (): Promise<DesktopResult<AccessToken>> => {
    // Single-use refresh tokens: two tabs refreshing at once would look like reuse and end the session, so tabs
    // take turns with a Web Lock (each then presents the newest cookie).
    refreshing ??= (async () => {
      const run = async (): Promise<DesktopResult<AccessToken>> => {
        try {
          if (!isOwnServer() && !memoryRefresh) return fail('NOT_LOGGED_IN', 'no session with that server in this tab');
          const result = await authApi().refresh(isOwnServer() ? undefined : (memoryRefresh ?? undefined));
          const s = adopt(result);
          return ok({ accessToken: s.accessToken, expiresAt: s.expiresAt });
        } catch (err) {
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
            const hadSession = token !== null;
            token = null;
            // The server names the reason with a code; UNAUTHENTICATED means no session it knows of (no cookie).
            if (!isSessionEndCode(err.code)) return fail('UNAUTHENTICATED', err.message);
            if (hadSession) sessionEnded.emit(err.code);
            return fail(err.code, err.message);
          }
          return toFailure(err);
        }
      };
      try {
        return navigator.locks ? await navigator.locks.request('messenger-refresh', run) : await run();
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  const readSettings = (): DesktopSettings => {
    try {
      const parsed = DesktopSettingsSchema.safeParse({ ...DEFAULT_DESKTOP_SETTINGS, ...JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}') });
      return parsed.success ? parsed.data : DEFAULT_DESKTOP_SETTINGS;
    } catch {
      return DEFAULT_DESKTOP_SETTINGS;
    }
  };

  window.addEventListener('online', () => resume.emit('online'));
  window.addEventListener('storage', (e) => {
    if (e.key === SETTINGS_KEY) settingsChanged.emit(readSettings());
  });

  return {
    platform: 'web',
    async restoreSession() {
      // No way to know whether the HttpOnly cookie exists except to try it.
      const r = await refresh();
      if (r.ok) {
        try {
          const user = await authApi().me();
          return ok({ user, accessToken: r.value.accessToken, expiresAt: r.value.expiresAt, serverUrl, persistence: 'secure' as const });
        } catch (err) {
          return toFailure(err);
        }
      }
      // UNAUTHENTICATED (no cookie, or one the server does not know) simply means "not logged in here".
      if (r.error.code === 'UNAUTHENTICATED') return ok(null);
      if (r.error.code === 'NOT_LOGGED_IN') return ok(null);
      return r;
    },
    async login(input) {
      const args = safe(() => DesktopLoginArgs.safeParse(input));
      if (!args.success) return fail('INVALID_ARGUMENT', args.error.issues[0]?.message ?? 'invalid input');
      serverUrl = args.data.serverUrl;
      const refused = isOwnServer() ? null : await probeServer(serverUrl);
      if (refused) return fail(refused, `cannot sign in to ${serverUrl} from this page (${refused})`);
      try {
        return ok(adopt(await authApi().login({ login: args.data.login, password: args.data.password, deviceName: deviceName() })));
      } catch (err) {
        return toFailure(err);
      }
    },
    async register(input) {
      const args = safe(() => DesktopRegisterArgs.safeParse(input));
      if (!args.success) return fail('INVALID_ARGUMENT', args.error.issues[0]?.message ?? 'invalid input');
      serverUrl = args.data.serverUrl;
      const refused = isOwnServer() ? null : await probeServer(serverUrl);
      if (refused) return fail(refused, `cannot sign in to ${serverUrl} from this page (${refused})`);
      const { serverUrl: _ignored, ...body } = args.data;
      try {
        return ok(adopt(await authApi().register({ ...body, deviceName: deviceName() })));
      } catch (err) {
        return toFailure(err);
      }
    },
    async getAccessToken(options) {
      if (!options?.forceRefresh && token && Date.parse(token.expiresAt) - Date.now() > EARLY_MS) return ok(token);
      return refresh();
    },
    async logout() {
      try {
        if (token) await authApi().logout(isOwnServer() ? undefined : (memoryRefresh ?? undefined));
      } catch {
        // Logging out must always succeed locally; the server session expires on its own.
      }
      token = null;
      memoryRefresh = null;
      return ok(null);
    },
    async getServerUrl() {
      return ok(storage.getItem(SERVER_KEY) ?? origin);
    },
    async sessionPersistence() {
      // The browser session is the server's HttpOnly cookie: it outlives the tab.
      return ok('secure' as const);
    },
    async notify(input) {
      const settings = readSettings();
      if (settings.doNotDisturb) return ok('suppressed-dnd' as const);
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return ok('unsupported' as const);
      // A burst from one room is one banner that updates (same tag replaces, silently) and says how many.
      const now = Date.now();
      const previous = bursts.get(input.roomId);
      const inBurst = previous !== undefined && now - previous.lastAt <= BURST_WINDOW_MS;
      const count = inBurst ? previous.count + 1 : 1;
      bursts.set(input.roomId, { count, lastAt: now });
      const line = input.isDirect ? input.body : `${input.senderName}: ${input.body}`;
      const summary = i18next.t('notify.burst', { count });
      const body = settings.showPreviews ? (count > 1 ? `${summary}\n${line}` : line) : count > 1 ? summary : '';
      const n = new Notification(input.isDirect ? input.senderName : input.roomName || input.senderName, {
        body,
        tag: `room-${input.roomId}`, // one notification per room: a burst replaces rather than piles up
      });
      n.onclick = () => {
        window.focus();
        bursts.delete(input.roomId);
        openRoom.emit(input.roomId);
        n.close();
      };
      return ok(inBurst ? ('coalesced' as const) : ('shown' as const));
    },
    async setUnreadCount(count) {
      document.title = count > 0 ? `(${count > 999 ? '999+' : count}) ${BASE_TITLE}` : BASE_TITLE;
      return ok(null);
    },
    async getSettings() {
      return ok(readSettings());
    },
    async setSettings(patch) {
      const next = DesktopSettingsSchema.safeParse({ ...readSettings(), ...patch });
      if (!next.success) return fail('INVALID_ARGUMENT', next.error.issues[0]?.message ?? 'invalid settings');
      storage.setItem(SETTINGS_KEY, JSON.stringify(next.data));
      return ok(next.data);
    },
    onOpenRoom: openRoom.add,
    onSessionEnded: sessionEnded.add,
    onResume: resume.add,
    onSettingsChanged: settingsChanged.add,
    async getDesktopInfo() {
      return ok({ os: 'web' as const, spellCheckLanguages: null, trayMayBeHidden: false, updateReady: null, canUpdate: false });
    },
    async installUpdate() {
      return ok(null);
    },
    // The web client is updated by its server; nothing to restart.
    onUpdateReady: () => () => undefined,
  };
}

/** Ask once, from a user gesture (the login button), so the browser does not block the prompt. */
export function requestNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default')
    void Notification.requestPermission().catch(() => undefined);
}
