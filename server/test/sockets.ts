// Real socket.io-client connections for tests.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionReady } from '../../protocol/events.js';
import type { AuthResult } from '../../protocol/types.js';
import { ApiClient } from '../../client/api.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Connected {
  socket: ClientSocket;
  ready: SessionReady;
}

export function connectSocket(url: string, token: string, opts: { origin?: string } = {}): ClientSocket {
  return io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.origin ? { Origin: opts.origin } : {},
  });
}

export function once<K extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: K,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(event)}`)), timeoutMs);
    socket.once(event, ((payload: Parameters<ServerToClientEvents[K]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as never);
  });
}

/** The first payload of `event` that satisfies `match`. */
export function onceWhere<K extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: K,
  match: (p: Parameters<ServerToClientEvents[K]>[0]) => boolean,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const listener = ((payload: Parameters<ServerToClientEvents[K]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    }) as never;
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, timeoutMs);
    socket.on(event, listener);
  });
}

/**
 * A user's "came online", whichever way it travels: alone as `presence`, or inside `presence:many` when several
 * members came online in the same short window (the server coalesces those; see PROTOCOL.md).
 */
type Presence = Parameters<ServerToClientEvents['presence']>[0];

export function onlineSeen(socket: ClientSocket, userId: number, timeoutMs = 5000): Promise<Presence> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      socket.off('presence', single);
      socket.off('presence:many', many);
    };
    const seen = (p: Presence | undefined) => {
      if (!p) return;
      stop();
      resolve(p);
    };
    const single = (p: Presence) => seen(p.userId === userId && p.online ? p : undefined);
    const many = ({ users }: { users: Presence[] }) => seen(users.find((u) => u.userId === userId && u.online));
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for user ${userId} to come online`));
    }, timeoutMs);
    socket.on('presence', single);
    socket.on('presence:many', many);
  });
}

export async function connectReady(url: string, token: string): Promise<Connected> {
  const socket = connectSocket(url, token);
  const ready = await new Promise<SessionReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for session:ready')), 10_000);
    socket.once('session:ready', (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return { socket, ready };
}

export function connectError(url: string, token: unknown, opts: { origin?: string } = {}): Promise<Error & { data?: unknown }> {
  const socket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.origin ? { Origin: opts.origin } : {},
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('expected connect_error')), 5000);
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      resolve(err as Error & { data?: unknown });
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.close();
      reject(new Error('connected, but a refusal was expected'));
    });
  });
}

/** Collects every payload of an event, for "received nothing" and ordering checks. */
export function collect<K extends keyof ServerToClientEvents>(socket: ClientSocket, event: K): Parameters<ServerToClientEvents[K]>[0][] {
  const out: Parameters<ServerToClientEvents[K]>[0][] = [];
  socket.on(event, ((p: Parameters<ServerToClientEvents[K]>[0]) => out.push(p)) as never);
  return out;
}

/** An access-token source like the desktop's: refreshes with the refresh token when asked to. */
export function tokenSource(url: string, auth: AuthResult): (force?: boolean) => Promise<string | null> {
  let current = auth;
  const api = new ApiClient({ serverUrl: url });
  let refreshing: Promise<AuthResult> | undefined;
  return async (force) => {
    const expiresIn = Date.parse(current.accessTokenExpiresAt) - Date.now();
    if (force || expiresIn < 5000) {
      refreshing ??= api.refresh(current.refreshToken).finally(() => {
        refreshing = undefined;
      });
      current = await refreshing;
    }
    return current.accessToken;
  };
}

export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
