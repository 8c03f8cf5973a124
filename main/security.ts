// Main process: Electron security checklist decisions as pure functions (navigation, new windows, permissions, CSP,
// IPC sender check); main/index.ts attaches them to every webContents and session. See docs/desktop.md, Security.
import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';

/** The scheme and host the packaged renderer is served from (main/app-protocol.ts); a secure, standard origin. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'messenger';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** scheme://host[:port] of a URL, also for custom schemes (where WHATWG URL.origin is "null"); null if unparsable. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return null;
  }
}

export function isAppUrl(url: string, appOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && appOrigins.includes(origin);
}

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

export function navigationDecision(url: string, appOrigins: readonly string[]): NavigationDecision {
  if (isAppUrl(url, appOrigins)) return 'allow';
  try {
    const { protocol, username, password } = new URL(url);
    // Only plain web links leave the app, and never with credentials baked in (a classic phishing shape).
    if ((protocol === 'https:' || protocol === 'http:') && !username && !password) return 'open-external';
  } catch {
    // unparsable: deny
  }
  return 'deny';
}

export interface NavigationDeps {
  appOrigins: () => readonly string[];
  openExternal: (url: string) => unknown;
}

/** For `will-navigate` / `will-redirect`: in-app navigation proceeds; web links go to the browser; the rest stops. */
export function createNavigationGuard(deps: NavigationDeps) {
  return (event: { preventDefault(): void }, url: string): void => {
    const decision = navigationDecision(url, deps.appOrigins());
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') void deps.openExternal(url);
  };
}

/** For `setWindowOpenHandler`: the app never opens a second Electron window; web links go to the browser. */
export function createWindowOpenHandler(deps: NavigationDeps) {
  return (details: Pick<HandlerDetails, 'url'>): WindowOpenHandlerResponse => {
    if (navigationDecision(details.url, deps.appOrigins()) === 'open-external') void deps.openExternal(details.url);
    return { action: 'deny' };
  };
}

/** Only notifications, and only for the app's own pages; microphone, camera, geolocation, etc. are refused. */
export function isPermissionAllowed(permission: string, requestingUrl: string, appOrigins: readonly string[]): boolean {
  return permission === 'notifications' && isAppUrl(requestingUrl, appOrigins);
}

export function createPermissionRequestHandler(appOrigins: () => readonly string[]) {
  return (
    webContents: { getURL(): string },
    permission: string,
    callback: (granted: boolean) => void,
    details?: { requestingUrl?: string },
  ): void => {
    callback(isPermissionAllowed(permission, details?.requestingUrl ?? webContents.getURL(), appOrigins()));
  };
}

export function createPermissionCheckHandler(appOrigins: () => readonly string[]) {
  return (_webContents: unknown, permission: string, requestingOrigin: string): boolean =>
    isPermissionAllowed(permission, requestingOrigin, appOrigins());
}

/** A frame may call IPC only when it is the top frame of our window showing one of the app's own pages. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, appOrigins: readonly string[]): boolean {
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigins);
}

function wsOf(origin: string): string {
  return origin.replace(/^http/, 'ws');
}

/**
 * The Content-Security-Policy of the app's own pages. Scripts only from the app itself: no inline script, no eval.
 * The renderer talks to the server directly, so REST and Socket.IO need connect-src: any https/wss server (a user can
 * log in to any server) plus the plain-http servers we know of (loopback and the current one).
 */
export function buildCsp(serverOrigins: readonly string[]): string {
  const known = [...new Set(serverOrigins.map((o) => o.toLowerCase()))].filter(isCspHostSource);
  const connect = ["'self'", 'https:', 'wss:', ...known, ...known.map(wsOf)];
  const media = ["'self'", 'data:', 'blob:', 'https:', ...known];
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Styles cannot run code; component libraries set inline styles, so allowing them here costs little.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media.join(' ')}`,
    `media-src ${media.join(' ')}`,
    "font-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Whether an origin can be written as a CSP host-source: scheme://host[:port|:*] with a DNS name or IPv4 host.
 * CSP's host grammar has no IPv6 literals: Chromium reports "http://[::1]:*" as an invalid source on every page load
 * and ignores it, so it never allowed anything. Such origins are left out; `localhost` reaches the IPv6 loopback.
 */
export function isCspHostSource(origin: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d+|\*))?$/i.test(origin);
}

/**
 * Loopback servers are always allowed in connect-src so a local server works on any port. There is no IPv6 literal
 * here: CSP cannot express one (see isCspHostSource); http://localhost covers a server listening on ::1.
 */
export const LOOPBACK_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'] as const;
