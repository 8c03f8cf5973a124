// Socket.IO: authenticates the handshake, keeps each socket in user:/session:/room: rooms in step with
// memberships, turns domain events into client events, and tracks presence. Handlers live in handlers.ts.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/events.js';
import type { AuthService, Principal } from '../auth/auth.service.js';
import type { Config } from '../config.js';
import { AppError, toAppError } from '../errors.js';
import type { SessionEndCode } from '../../protocol/errors.js';
import { SESSION_END_TEXT } from '../auth/auth.service.js';
import type { SessionsRepository } from '../auth/sessions.repository.js';
import type { DomainEventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { MessagesService } from '../messages/messages.service.js';
import type { Presence } from '../presence/presence.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import type { UsersRepository } from '../users/users.repository.js';
import { Admission } from './admission.js';
import { registerHandlers } from './handlers.js';
import { OnlineAnnouncer } from './presence-announcer.js';
import { ReadReceipts } from './read-receipts.js';
import { isoOrNull } from '../db/values.js';
import { toUserSelf } from '../users/users.repository.js';

export interface SocketData {
  principal: Principal;
  /** Set when this node learns the session ended; from then on every event of the socket is refused. */
  revoked?: SessionEndCode;
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  config: Config;
  logger: Logger;
  auth: AuthService;
  rooms: RoomsService;
  messages: MessagesService;
  usersRepo: UsersRepository;
  sessionsRepo: SessionsRepository;
  presence: Presence;
  events: DomainEventBus;
  redis: Redis | undefined;
  onSocketCount?: (delta: number) => void;
  onAck?: (event: string, ms: number) => void;
  /** A handshake refused by admission control (too many set-ups at once). */
  onSetupRefused?: () => void;
  /** Socket set-ups running and waiting for a slot, whenever either changes. */
  onSetups?: (running: number, queued: number) => void;
}

export const userRoom = (id: number) => `user:${id}`;
export const sessionRoom = (id: number) => `session:${id}`;
export const roomRoom = (id: number) => `room:${id}`;

/**
 * Browser handshakes must come from this server's own origin, a configured origin, or the desktop app (app://messenger).
 * Non-browser clients send no Origin. Sockets authenticate with a bearer token, so this is defence in depth.
 */
/** Origins other than the server's own that may open a socket: the desktop app and CORS_ORIGINS. */
function crossOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  // The desktop app serves its pages from app://messenger (file:// in older builds).
  return origin === 'file://' || origin === 'app://messenger' || allowed.includes(origin);
}

export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (crossOriginAllowed(origin, allowed)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export interface Realtime {
  io: IoServer;
  /** Shutdown: refuse new events, wait (up to timeoutMs) for those in flight to be committed and acked, then disconnect everyone. */
  drain(timeoutMs: number): Promise<void>;
  /** Shutdown, after the sockets are gone: wait (up to timeoutMs) for their disconnect bookkeeping (last seen) to be written. */
  settle(timeoutMs: number): Promise<void>;
}

/** Events being handled right now, so a shutdown can let them finish (commit + ack) first. */
export interface Inflight {
  closing: boolean;
  pending: Set<Promise<unknown>>;
  /** Disconnects still writing presence and last seen. */
  disconnects: Set<Promise<unknown>>;
}

async function settled(work: Set<Promise<unknown>>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...work]),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

export function createRealtime(http: HttpServer, deps: RealtimeDeps): Realtime {
  const inflight: Inflight = { closing: false, pending: new Set(), disconnects: new Set() };
  const io: IoServer = new Server(http, {
    path: '/socket.io',
    serveClient: false,
    // A message body is at most 4,000 code points (16 KB of UTF-8); anything near 100 KB is not ours.
    maxHttpBufferSize: 100_000,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    allowRequest: (req, callback) => callback(null, originAllowed(req, deps.config.corsOrigins)),
    // HTTP long-polling from the desktop app is a cross-origin request: answer CORS for the same origins.
    cors: {
      origin: (origin, cb) => cb(null, origin !== undefined && crossOriginAllowed(origin, deps.config.corsOrigins)),
      credentials: false,
    },
  });
  if (deps.redis) io.adapter(createAdapter(deps.redis, { streamName: `${deps.config.redisPrefix}:socket.io` }));

  // A set-up holds its slot from here until session:ready (or its failure, or the client going away first).
  const admission = new Admission({
    limit: deps.config.socketSetupConcurrency,
    queue: deps.config.socketSetupQueue,
    waitMs: deps.config.socketSetupWaitMs,
    ...(deps.onSetups ? { onChange: deps.onSetups } : {}),
  });
  const slots = new WeakMap<IoSocket, () => void>();
  io.use(async (socket, next) => {
    // Before any token or database work: a refused handshake costs next to nothing.
    const admitted = await admission.enter();
    if (!admitted.ok) {
      deps.onSetupRefused?.();
      return next(busy(admitted.retryAfterMs));
    }
    slots.set(socket, admitted.release);
    // socket.io drops a socket whose client left during the middleware without a 'connection' event.
    socket.conn.once('close', admitted.release);
    try {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const principal = await withinTime(deps.auth.authenticate(auth?.token), deps.config.socketSetupTimeoutMs);
      // Counted on this node (the sockets in user:<id>): a cheap in-memory look, no shared state to fail.
      const open = io.of('/').adapter.rooms.get(userRoom(principal.userId))?.size ?? 0;
      if (open >= deps.config.maxSocketsPerUser) {
        throw new AppError('TOO_MANY_SOCKETS', `at most ${deps.config.maxSocketsPerUser} connections per user`);
      }
      socket.data.principal = principal;
      next();
    } catch (err) {
      admitted.release();
      next(refusal(err, deps.logger, admission.retryAfterMs()));
    }
  });
  const announcer = new OnlineAnnouncer(io, (ids) => deps.presence.onlineUserIds(ids));
  io.on('connection', (socket) => void onConnection(io, socket, deps, inflight, announcer).finally(() => slots.get(socket)?.()));
  wireDomainEvents(io, deps);
  const stopWatch = watchRevocations(io, deps);
  return {
    io,
    async drain(timeoutMs) {
      stopWatch();
      announcer.close();
      inflight.closing = true;
      await settled(inflight.pending, timeoutMs);
      io.local.disconnectSockets(true);
    },
    settle: (timeoutMs) => settled(inflight.disconnects, timeoutMs),
  };
}

async function onConnection(
  io: IoServer,
  socket: IoSocket,
  deps: RealtimeDeps,
  inflight: Inflight,
  announcer: OnlineAnnouncer,
): Promise<void> {
  const { principal } = socket.data;
  const log = deps.logger.child({ socket: socket.id, userId: principal.userId });
  // Handlers first (events a client sends right after connecting must not be lost), then join user:<id> so
  // membership changes from here on reach this socket, and only then read the memberships.
  registerHandlers(socket, deps, log, inflight);
  await socket.join([userRoom(principal.userId), sessionRoom(principal.sessionId)]);
  deps.onSocketCount?.(1);
  socket.on('disconnect', () => {
    const work = onDisconnect(io, socket, deps, announcer);
    inflight.disconnects.add(work);
    void work.finally(() => inflight.disconnects.delete(work));
  });

  // The access token dies at its expiry on an open socket too: tell the client, which refreshes and reconnects.
  const msLeft = principal.expiresAt.getTime() - Date.now();
  const expiry = setTimeout(() => expire(socket), Math.max(0, Math.min(msLeft, 2 ** 31 - 1)));
  socket.on('disconnect', () => clearTimeout(expiry));

  try {
    // Two queries per handshake in all: the session check (which read the user) and this one.
    const rooms = await withinTime(deps.rooms.markers(principal.userId), deps.config.socketSetupTimeoutMs);
    if (!socket.connected) return;
    await socket.join(rooms.map((r) => roomRoom(r.id)));
    const cameOnline = await deps.presence.connect(principal.userId, socket.id);
    if (!socket.connected) return;
    const onlineCount = (await deps.presence.onlineUserIds(await deps.rooms.coMemberIds(principal.userId))).size;
    if (!socket.connected) return;
    socket.emit('session:ready', { user: toUserSelf(principal.user, true), rooms, onlineCount });
    if (cameOnline) {
      const targets = [userRoom(principal.userId), ...rooms.map((r) => roomRoom(r.id))];
      announcer.announce({ userId: principal.userId, online: true, lastSeenAt: isoOrNull(principal.user.last_seen_at) }, targets);
    }
  } catch (err) {
    // A database or Redis hiccup is not a revocation: the client reconnects with backoff and keeps its session.
    log.warn({ err }, 'socket setup failed');
    socket.emit('session:interrupted', {
      code: 'SERVICE_UNAVAILABLE',
      message: 'the server could not set up this connection; retry shortly',
    });
    socket.disconnect(true);
  }
}

/** The connect_error of a handshake refused by admission control: retryable, with when to come back. */
function busy(retryAfterMs: number): Error & { data: unknown } {
  const refused = new Error('SERVICE_UNAVAILABLE') as Error & { data: unknown };
  refused.data = { code: 'SERVICE_UNAVAILABLE', message: 'the server is busy; retry shortly', retryAfterMs };
  return refused;
}

/** Rejects with a timeout error when `work` takes longer than `ms` (the work itself runs on; its answer is dropped). */
function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('SERVICE_UNAVAILABLE', 'the server is busy; retry shortly')), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The connect_error for a refused handshake: its message is the code. Refusals the client caused (a bad token, an
 * ended session, too many sockets) keep their code; anything else (database, Redis, a lock wait) is the retryable
 * SERVICE_UNAVAILABLE, never a reason to sign the user out.
 */
function refusal(err: unknown, logger: Logger, retryAfterMs: number): Error & { data: unknown } {
  const e = toAppError(err);
  if (e.status >= 500) {
    logger.warn({ err }, 'socket handshake failed; answered SERVICE_UNAVAILABLE');
    return busy(retryAfterMs);
  }
  const refused = new Error(e.code) as Error & { data: unknown };
  refused.data = { code: e.code, message: e.message };
  return refused;
}

/** Ends this node's sockets of the given sessions (or all of a user's): tell them why, then disconnect. */
function endLocally(io: IoServer, userId: number, sessionIds: number[] | 'all', code: SessionEndCode): number {
  const rooms = io.of('/').adapter.rooms;
  const ids = new Set<string>();
  const targets = sessionIds === 'all' ? [userRoom(userId)] : sessionIds.map(sessionRoom);
  for (const room of targets) for (const id of rooms.get(room) ?? []) ids.add(id);
  for (const id of ids) {
    const socket = io.of('/').sockets.get(id);
    if (!socket || socket.data.principal.userId !== userId) continue;
    socket.data.revoked = code;
    socket.emit('session:revoked', { code, reason: SESSION_END_TEXT[code] });
    socket.disconnect(true);
  }
  return ids.size;
}

/**
 * The safety net under the pub/sub signal: once every REVOCATION_CHECK_MS, read the sessions revoked since the last
 * look (one indexed range scan) and end any socket of them still open here. This is what reaches sockets when the
 * change was made by another process (the admin CLI) or another node while Redis was down. The window looks a few
 * seconds back, so clock skew between nodes and slow commits cannot slip a revocation past it; ending an ended
 * session again is a no-op.
 */
function watchRevocations(io: IoServer, deps: RealtimeDeps): () => void {
  const LOOKBACK_MS = 10_000;
  let last = Date.now();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const since = new Date(last - LOOKBACK_MS);
    const startedAt = Date.now();
    deps.sessionsRepo
      .revokedSince(since)
      .then((rows) => {
        last = startedAt;
        for (const r of rows) {
          if (!io.of('/').adapter.rooms.has(sessionRoom(r.familyId))) continue;
          const ended = endLocally(io, r.userId, [r.familyId], r.code);
          if (ended)
            deps.logger.info(
              { event: 'auth.revocation_applied', userId: r.userId, sessionId: r.familyId, code: r.code, sockets: ended },
              'revoked session found by the periodic check',
            );
        }
      })
      .catch((err: unknown) => deps.logger.debug({ err }, 'revocation check failed; retrying'))
      .finally(() => {
        running = false;
      });
  }, deps.config.revocationCheckMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function expire(socket: IoSocket): void {
  socket.emit('token:expired', { code: 'TOKEN_EXPIRED', message: 'the access token has expired' });
  socket.disconnect(true);
}

async function onDisconnect(io: IoServer, socket: IoSocket, deps: RealtimeDeps, announcer: OnlineAnnouncer): Promise<void> {
  deps.onSocketCount?.(-1);
  const { userId } = socket.data.principal;
  try {
    const wentOffline = await deps.presence.disconnect(userId, socket.id);
    if (!wentOffline) return;
    announcer.cancel(userId);
    const at = (await deps.usersRepo.markLastSeen(userId)) ?? new Date();
    const rooms = [...socket.rooms].filter((r) => r.startsWith('room:'));
    const memberships = rooms.length ? rooms : (await deps.rooms.markers(userId)).map((r) => roomRoom(r.id));
    io.to([userRoom(userId), ...memberships]).emit('presence', { userId, online: false, lastSeenAt: at.toISOString() });
  } catch (err) {
    deps.logger.debug({ err, userId }, 'presence update on disconnect failed');
  }
}

/** Domain events (emitted after commit, on whichever node did the work) -> Socket.IO, across nodes via the adapter. */
function wireDomainEvents(io: IoServer, deps: RealtimeDeps): void {
  const { events } = deps;
  events.on('message:new', (m) => io.to(roomRoom(m.roomId)).emit('message:new', m));
  events.on('message:updated', (m) => io.to(roomRoom(m.roomId)).emit('message:updated', m));
  events.on('room:added', (userId, room) => {
    io.in(userRoom(userId)).socketsJoin(roomRoom(room.id));
    io.to(userRoom(userId)).emit('room:created', room);
  });
  events.on('room:updated', (room) => io.to(roomRoom(room.id)).emit('room:updated', room));
  events.on('room:deleted', (roomId, former) => {
    io.to([roomRoom(roomId), ...former.map(userRoom)]).emit('room:deleted', { roomId });
    io.in(roomRoom(roomId)).socketsLeave(roomRoom(roomId));
    for (const id of former) io.in(userRoom(id)).socketsLeave(roomRoom(roomId));
  });
  events.on('room:member-joined', (roomId, user, role) => io.to(roomRoom(roomId)).emit('room:member-joined', { roomId, user, role }));
  events.on('room:member-left', (roomId, userId) => {
    io.to([roomRoom(roomId), userRoom(userId)]).emit('room:member-left', { roomId, userId });
    io.in(userRoom(userId)).socketsLeave(roomRoom(roomId));
  });
  events.on('room:member-updated', (roomId, userId, role) => io.to(roomRoom(roomId)).emit('room:member-updated', { roomId, userId, role }));
  const receipts = new ReadReceipts({
    one: (roomId, userId, lastReadSeq) =>
      io.to(roomRoom(roomId)).except(userRoom(userId)).emit('room:member-read', { roomId, userId, lastReadSeq }),
    many: (roomId, reads) => io.to(roomRoom(roomId)).emit('room:members-read', { roomId, reads }),
  });
  events.on('room:read', (roomId, userId, lastReadSeq) => {
    io.to(userRoom(userId)).emit('room:read', { roomId, userId, lastReadSeq });
    receipts.moved(roomId, userId, lastReadSeq);
  });
  events.on('room:settings', (userId, roomId, notify) =>
    io.to(userRoom(userId)).emit('room:settings', { roomId, notify, muted: notify === 'none' }),
  );
  events.on('message:reactions', (change) => io.to(roomRoom(change.roomId)).emit('message:reactions', change));
  events.on('user:updated', (user, roomIds) => {
    const rooms = roomIds ? Promise.resolve(roomIds.map((id) => ({ id }))) : deps.rooms.markers(user.id);
    void rooms.then(
      (rooms) => io.to([userRoom(user.id), ...rooms.map((r) => roomRoom(r.id))]).emit('user:updated', user),
      (err: unknown) => deps.logger.warn({ err }, 'user:updated not delivered'),
    );
  });
  events.on('sessions:revoked', (userId, sessionIds, code) => {
    // Here at once; then the other nodes through the adapter (Redis). If Redis is down, their periodic check does it.
    endLocally(io, userId, sessionIds, code);
    if (!deps.redis) return;
    const targets = sessionIds === 'all' ? [userRoom(userId)] : sessionIds.map(sessionRoom);
    try {
      io.to(targets).emit('session:revoked', { code, reason: SESSION_END_TEXT[code] });
      io.in(targets).disconnectSockets(true);
    } catch (err) {
      deps.logger.warn({ err }, 'revocation not broadcast; the other nodes apply it from the database');
    }
  });
}
