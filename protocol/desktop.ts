// The one contract between Electron main, preload and the renderer (`window.desktop`).
// Runs everywhere (main, sandboxed preload, browser renderer): imports neither Node nor DOM, only zod and protocol/.
// Main validates every argument with these schemas; preload exposes one named function per channel; the renderer's
// web implementation implements the same DesktopApi so UI code never asks where it runs.
import { z } from 'zod';
import { DisplayName, Email, Id, Password, Username } from './schemas.js';
import type { ErrorCode, SessionEndCode } from './errors.js';
import { parseRoutePath } from './routes.js';
import type { UserSelf } from './types.js';

// Channel names live in a zod-free file so the sandboxed preload bundle stays small; this module re-exports them.
export { DESKTOP_CHANNELS, DESKTOP_EVENTS } from './desktop-channels.js';
export type { DesktopChannel, DesktopEvent } from './desktop-channels.js';
import type { DESKTOP_EVENTS } from './desktop-channels.js';

// ---------- argument schemas (main parses every invoke with exactly these) ----------
/** An http(s) origin, optionally with a path prefix; no credentials, query or fragment. */
export const ServerUrl = z
  .string()
  .trim()
  .max(500)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
  .refine((s) => {
    // zod keeps checking after z.url() fails, so the text may not parse at all.
    if (!URL.canParse(s)) return false;
    const u = new URL(s);
    return u.username === '' && u.password === '' && u.search === '' && u.hash === '';
  }, 'must not contain credentials, a query or a fragment')
  .transform((s) => s.replace(/\/+$/, ''));

export const DesktopLoginArgs = z.strictObject({
  serverUrl: ServerUrl,
  login: z.string().trim().min(1, 'is required').max(254),
  password: z.string().min(1, 'is required').max(1024),
});
export const DesktopRegisterArgs = z.strictObject({
  serverUrl: ServerUrl,
  username: Username,
  email: Email,
  password: Password,
  displayName: DisplayName.optional(),
  /** An invite code, for a server whose registration is by invite. */
  invite: z.string().trim().min(1).max(64).optional(),
});
export const GetAccessTokenArgs = z.strictObject({ forceRefresh: z.boolean().optional() }).optional();
export const NotifyArgs = z.strictObject({
  roomId: Id,
  roomName: z.string().max(200),
  senderName: z.string().max(200),
  /** Plain-text preview; main shortens it and drops it when previews are off. */
  body: z.string().max(4000),
  isDirect: z.boolean(),
  /** The message mentions this user: with isDirect, what flashes the taskbar / bounces the dock (flashOnMention). */
  mentionsMe: z.boolean().optional(),
});
export const UnreadCountArg = z.number().int().min(0).max(1_000_000);

const LanguageTag = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag');

export const DesktopSettingsSchema = z.strictObject({
  doNotDisturb: z.boolean(),
  showPreviews: z.boolean(),
  closeToTray: z.boolean(),
  startAtLogin: z.boolean(),
  /** A BCP 47 tag such as "en" or "pt-BR"; null follows the system. */
  language: LanguageTag.nullable(),
  /** Check for updates at start and every few hours, download quietly, offer "Restart to update". */
  autoUpdate: z.boolean(),
  /** Where updates come from: null is the project's releases (electron-builder `publish`); else a generic feed folder. */
  updateUrl: ServerUrl.nullable(),
  /** Flash the taskbar button / bounce the dock for direct messages and mentions while the window is not focused. */
  flashOnMention: z.boolean(),
  /** Spell-check dictionaries (from DesktopInfo.spellCheckLanguages); empty follows the system. Not on macOS. */
  spellCheckLanguages: z.array(LanguageTag).max(5),
});
export const SettingsPatchArg = DesktopSettingsSchema.partial();
/** Every invoke channel with a zero-argument call takes exactly this (nothing). */
export const NoArgs = z.undefined();

/** The argument schema of every invoke method; main parses with exactly these before doing anything. */
export const DESKTOP_ARGS = {
  restoreSession: NoArgs,
  login: DesktopLoginArgs,
  register: DesktopRegisterArgs,
  getAccessToken: GetAccessTokenArgs,
  logout: NoArgs,
  getServerUrl: NoArgs,
  sessionPersistence: NoArgs,
  notify: NotifyArgs,
  setUnreadCount: UnreadCountArg,
  getSettings: NoArgs,
  setSettings: SettingsPatchArg,
  getDesktopInfo: NoArgs,
  installUpdate: NoArgs,
} as const satisfies Record<DesktopInvokeMethod, z.ZodType>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = {
  doNotDisturb: false,
  showPreviews: true,
  closeToTray: true,
  startAtLogin: false,
  language: null,
  autoUpdate: true,
  updateUrl: null,
  flashOnMention: true,
  spellCheckLanguages: [],
};

// ---------- results ----------
/** Codes main adds to the server's ErrorCode set. */
export type DesktopErrorCode =
  | ErrorCode
  | 'INVALID_ARGUMENT' // zod refused the IPC argument
  | 'FORBIDDEN_SENDER' // the call came from a frame that is not the app's own page
  | 'NETWORK_ERROR' // server unreachable or answered something that is not the protocol
  | 'NOT_LOGGED_IN'
  // Why a web client cannot sign in to another server (see renderer/src/desktop/probe.ts):
  | 'CONNECT_BLOCKED' // this page's CSP does not list that server (CONNECT_ORIGINS here)
  | 'SERVER_UNREACHABLE' // nothing answers at that address
  | 'ORIGIN_REFUSED' // it answers, but its CORS policy refuses this page's origin (CORS_ORIGINS there)
  | 'NOT_A_MESSENGER_SERVER'; // what answers does not speak this protocol

export interface DesktopError {
  code: DesktopErrorCode;
  message: string;
}

// Electron keeps only an Error's message across IPC, so failures travel as values.
export type DesktopResult<T> = { ok: true; value: T } | { ok: false; error: DesktopError };

export interface AccessToken {
  accessToken: string;
  /** ISO time; getAccessToken() refreshes on its own about a minute before this. */
  expiresAt: string;
}

export interface DesktopSession extends AccessToken {
  user: UserSelf;
  serverUrl: string;
  /**
   * 'secure': the refresh token is encrypted by the OS keychain and survives restarts.
   * 'this-run-only': the OS has no secure store (Linux without a keyring); the token lives in memory only, so the
   * user will have to log in again next launch. Say so in the UI.
   */
  persistence: SessionPersistence;
}

/** Whether a session can outlive this run: 'this-run-only' without an OS keychain (Linux basic_text). */
export type SessionPersistence = 'secure' | 'this-run-only';

/** What this installation can do, for the settings screen. */
export interface DesktopInfo {
  os: 'linux' | 'darwin' | 'win32' | 'other' | 'web';
  /** Dictionaries Chromium offers here; null where the OS chooses (macOS) or in the browser. */
  spellCheckLanguages: string[] | null;
  /** Linux desktops whose tray may not show (stock GNOME): why close-to-tray starts off there. */
  trayMayBeHidden: boolean;
  /** The version downloaded and waiting for "Restart to update"; null when none. */
  updateReady: string | null;
  /** Whether this build can update itself (a packaged app; not the web client). */
  canUpdate: boolean;
}

export type NotifyOutcome = 'shown' | 'coalesced' | 'suppressed-dnd' | 'unsupported';
/** Why the session ended: a server's SessionEndCode, or 'logged-out' when the user logged out here. */
export type SessionEndReason = SessionEndCode | 'logged-out';
export type ResumeReason = 'resume' | 'online';

export type DesktopLoginInput = z.input<typeof DesktopLoginArgs>;
export type DesktopRegisterInput = z.input<typeof DesktopRegisterArgs>;
export type NotifyInput = z.input<typeof NotifyArgs>;
export type DesktopSettings = z.output<typeof DesktopSettingsSchema>;
export type DesktopSettingsPatch = z.input<typeof SettingsPatchArg>;
export type Unsubscribe = () => void;

/** `window.desktop`: exposed by preload in Electron, implemented over web APIs in the browser build. */
export interface DesktopApi {
  readonly platform: 'desktop' | 'web';
  /** Stored session -> fresh access token and user; null when none is stored; SESSION_EXPIRED/REVOKED when it died. */
  restoreSession(): Promise<DesktopResult<DesktopSession | null>>;
  login(input: DesktopLoginInput): Promise<DesktopResult<DesktopSession>>;
  register(input: DesktopRegisterInput): Promise<DesktopResult<DesktopSession>>;
  /** A valid short-lived access token, refreshed when near expiry (or now, with forceRefresh after a TOKEN_EXPIRED). */
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<DesktopResult<AccessToken>>;
  logout(): Promise<DesktopResult<null>>;
  /** The server of the current or last session (prefills the login form); null on first run. */
  getServerUrl(): Promise<DesktopResult<string | null>>;
  /** Before any login: whether a session here would survive a restart, so the login screen can say so up front. */
  sessionPersistence(): Promise<DesktopResult<SessionPersistence>>;
  /** Ask for a notification; the caller has already skipped muted rooms and the room in front of a focused window. */
  notify(input: NotifyInput): Promise<DesktopResult<NotifyOutcome>>;
  /** Total unread of unmuted rooms: tray icon + tooltip, dock/launcher badge, Windows overlay. */
  setUnreadCount(count: number): Promise<DesktopResult<null>>;
  getSettings(): Promise<DesktopResult<DesktopSettings>>;
  setSettings(patch: DesktopSettingsPatch): Promise<DesktopResult<DesktopSettings>>;
  getDesktopInfo(): Promise<DesktopResult<DesktopInfo>>;
  /** Quit and install the downloaded update, then start again; only ever on the user's request. */
  installUpdate(): Promise<DesktopResult<null>>;
  /** Notification click or messenger://room/<id> link. */
  onOpenRoom(cb: (roomId: number) => void): Unsubscribe;
  /** The session died outside a call (refresh refused, logout from the tray): show the login screen with the reason. */
  onSessionEnded(cb: (reason: SessionEndReason) => void): Unsubscribe;
  /** The machine woke up or came back online: reconnect now and catch up with after=<seq>. */
  onResume(cb: (reason: ResumeReason) => void): Unsubscribe;
  /** Settings changed elsewhere (tray Do Not Disturb, another call). */
  onSettingsChanged(cb: (settings: DesktopSettings) => void): Unsubscribe;
  /** An update was downloaded (its version): offer "Restart to update", quietly. */
  onUpdateReady(cb: (version: string) => void): Unsubscribe;
}

/** The request/response methods of DesktopApi (everything but `platform` and the `on...` subscriptions). */
export type DesktopInvokeMethod = Exclude<keyof DesktopApi, 'platform' | `on${string}`>;

/** What main implements for each invoke method: the parsed argument in, the DesktopApi result out. */
export type DesktopHandlers = {
  [M in DesktopInvokeMethod]: (arg: z.output<(typeof DESKTOP_ARGS)[M]>) => Promise<Awaited<ReturnType<DesktopApi[M]>>>;
};

// Compile-time proof that each schema accepts exactly what the DesktopApi signature lets the renderer pass.
type SameArg<M extends DesktopInvokeMethod> = [z.input<(typeof DESKTOP_ARGS)[M]>] extends [Parameters<DesktopApi[M]>[0]]
  ? [Parameters<DesktopApi[M]>[0]] extends [z.input<(typeof DESKTOP_ARGS)[M]>]
    ? true
    : M
  : M;
export type DesktopArgsAgree = { [M in DesktopInvokeMethod]: SameArg<M> }[DesktopInvokeMethod] extends true ? true : never;
const argsAgree: DesktopArgsAgree = true;
void argsAgree;

/** Payload type of each main -> renderer event, so main's sender and preload's listener agree. */
export interface DesktopEventPayloads {
  [DESKTOP_EVENTS.openRoom]: number;
  [DESKTOP_EVENTS.sessionEnded]: SessionEndReason;
  [DESKTOP_EVENTS.resume]: ResumeReason;
  [DESKTOP_EVENTS.settingsChanged]: DesktopSettings;
  [DESKTOP_EVENTS.updateReady]: string;
}

/** Parse `messenger://rooms/<id>` (or the older `messenger://room/<id>`) with the app's route grammar; null otherwise. */
export function parseDeepLink(url: string): { roomId: number } | null {
  const m = /^messenger:\/\/(.*)$/i.exec(url.trim());
  const route = m ? parseRoutePath(m[1] ?? '') : null;
  return route?.name === 'room' ? { roomId: route.roomId } : null;
}
