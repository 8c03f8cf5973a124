// Client -> server events. Each one is validated with the shared schema, goes through the same service as REST,
// and is acked with { ok: true, ... } or { ok: false, error } — never a crash, never a silent drop.
import type { z } from 'zod';
import type { Ack } from '../../protocol/errors.js';
import {
  MessageDeleteSchema,
  MessageEditSchema,
  MessageReactSchema,
  MessageSendSchema,
  RoomReadSchema,
  TypingSchema,
} from '../../protocol/schemas.js';
import { AppError, parseOrThrow, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sessionEnded } from '../auth/auth.service.js';
import { expire, roomRoom, type Inflight, type IoSocket, type RealtimeDeps } from './gateway.js';

/**
 * Per-socket budget for every event, known or not (config SOCKET_EVENT_RATE / SOCKET_EVENT_BURST, default 50/s,
 * burst 100): a misbehaving socket is refused, then dropped, and never slows the others.
 */
const REFUSALS_BEFORE_DISCONNECT = 500;
const TYPING_INTERVAL_MS = 1500;

class Bucket {
  private tokens: number;
  private last = Date.now();
  refusals = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) {
      this.refusals += 1;
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}

type AckFn = (res: Ack<object>) => void;

const KNOWN_EVENTS = new Set(['message:send', 'message:edit', 'message:delete', 'message:react', 'room:read', 'typing']);

export function registerHandlers(socket: IoSocket, deps: RealtimeDeps, log: Logger, inflight: Inflight): void {
  const bucket = new Bucket(deps.config.socketEventRate, deps.config.socketEventBurst);
  const lastTyping = new Map<number, number>();
  const { userId } = socket.data.principal;

  // Runs for every incoming event before any handler (socket.onAny would run before it, so it is not used): an
  // ended session, an exhausted budget and an unknown event are all answered here and go no further.
  socket.use((packet, next) => {
    const [event] = packet;
    const last: unknown = packet[packet.length - 1];
    const refuse = (e: AppError) => {
      if (packet.length > 1 && typeof last === 'function') (last as AckFn)({ ok: false, error: e.toBody() });
    };
    if (socket.data.revoked) return refuse(sessionEnded(socket.data.revoked));
    if (!bucket.take()) {
      if (bucket.refusals > REFUSALS_BEFORE_DISCONNECT) {
        log.warn({ event: 'socket.flood', userId }, 'socket over its event budget; disconnected');
        socket.disconnect(true);
        return;
      }
      return refuse(new AppError('RATE_LIMITED', 'too many events; slow down', { retryAfter: 1 }));
    }
    if (typeof event !== 'string' || !KNOWN_EVENTS.has(event)) {
      return refuse(new AppError('NOT_FOUND', `unknown event ${String(event).slice(0, 50)}`));
    }
    next();
  });

  /** Wraps a handler: token expiry, validation, error mapping, and exactly one ack. */
  function on<S extends z.ZodType>(event: string, schema: S, run: (payload: z.output<S>) => Promise<object>): void {
    socket.on(
      event as 'message:send',
      (async (payload: unknown, ack: unknown) => {
        const reply: AckFn = typeof ack === 'function' ? (ack as AckFn) : () => undefined;
        const started = performance.now();
        try {
          if (socket.data.revoked) throw sessionEnded(socket.data.revoked);
          if (socket.data.principal.expiresAt.getTime() <= Date.now()) {
            reply({ ok: false, error: new AppError('TOKEN_EXPIRED', 'the access token has expired').toBody() });
            expire(socket);
            return;
          }
          if (inflight.closing) throw new AppError('SERVICE_UNAVAILABLE', 'the server is restarting; retry shortly');
          const input = parseOrThrow(schema, payload);
          const work = run(input);
          inflight.pending.add(work);
          let result: object;
          try {
            result = await work;
          } finally {
            inflight.pending.delete(work);
          }
          reply({ ok: true, ...result });
          deps.onAck?.(event, performance.now() - started);
          log.debug({ event, ms: Math.round(performance.now() - started) }, 'socket event answered');
        } catch (err) {
          const e = toAppError(err);
          if (e.status >= 500) log.error({ err, event }, 'socket event failed');
          else log.debug({ event, code: e.code }, 'socket event refused');
          reply({ ok: false, error: e.toBody() });
        }
      }) as never,
    );
  }

  on('message:send', MessageSendSchema, async (p) => {
    const { message } = await deps.messages.send(userId, p.roomId, p);
    return { message };
  });
  on('message:edit', MessageEditSchema, async (p) => ({ message: await deps.messages.edit(userId, p.messageId, p.body) }));
  on('message:delete', MessageDeleteSchema, async (p) => ({ message: await deps.messages.recall(userId, p.messageId) }));
  on('message:react', MessageReactSchema, async (p) => ({
    reactions: (await deps.messages.react(userId, p.messageId, p.emoji, p.on)).reactions,
  }));
  on('room:read', RoomReadSchema, async (p) => deps.rooms.markRead(userId, p.roomId, p.seq));
  on('typing', TypingSchema, async (p) => {
    // Membership is exactly "this socket is in room:<id>", so no query is needed; non-members are told no.
    if (!socket.rooms.has(roomRoom(p.roomId))) throw new AppError('NOT_FOUND', 'room not found');
    const now = Date.now();
    if (p.typing && now - (lastTyping.get(p.roomId) ?? 0) < TYPING_INTERVAL_MS) return {};
    lastTyping.set(p.roomId, p.typing ? now : 0);
    socket.to(roomRoom(p.roomId)).volatile.emit('typing', { roomId: p.roomId, userId, typing: p.typing });
    return {};
  });
}
