// The one realtime client (renderer, tests, benchmarks): connects with a fresh access token, refreshes on
// TOKEN_EXPIRED, reconnects with jittered backoff, delivers every message exactly once and in seq order per room
// (fetching gaps with after=), and keeps an outbox that resends with the same clientId until acked.
import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { v4 as uuidv4 } from 'uuid';
import { isSessionEndCode, type ApiErrorBody, type SessionEndCode } from '../protocol/errors.js';
import type { ClientToServerEvents, ServerToClientEvents, SessionReady } from '../protocol/events.js';
import type { Attachment, Message, NotifyLevel, Reaction, ReadResult } from '../protocol/types.js';
import { ApiClient, ApiError } from './api.js';
import { Emitter } from './emitter.js';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface OutboxEntry {
  clientId: string;
  roomId: number;
  body: string;
  replyToId: number | null;
  /** Image and file messages: the upload they carry (already on the server; sent by its id). */
  kind?: 'image' | 'file';
  attachment?: NonNullable<Attachment>;
  createdAt: string;
  state: 'pending' | 'failed';
  error?: { code: string; message: string };
}

export interface OutboxStore {
  load(): OutboxEntry[] | Promise<OutboxEntry[]>;
  save(entries: OutboxEntry[]): void | Promise<void>;
}

export interface RealtimeOptions {
  serverUrl: string;
  getAccessToken(force?: boolean): Promise<string | null>;
  outboxStore?: OutboxStore;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Ack wait before a send is considered lost and retried (same clientId). */
  ackTimeoutMs?: number;
  fetch?: typeof fetch;
}

type Payload<K extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[K]>[0];

export interface RealtimeEvents {
  state: [ConnectionState];
  ready: [SessionReady];
  message: [Message];
  'message:updated': [Message];
  outbox: [OutboxEntry[]];
  /** The session is over for good (revoked, expired, account disabled ...): `code` says why. */
  'session:ended': [{ code: SessionEndCode }];
  'room:created': [Payload<'room:created'>];
  'room:updated': [Payload<'room:updated'>];
  'room:deleted': [Payload<'room:deleted'>];
  'room:member-joined': [Payload<'room:member-joined'>];
  'room:member-left': [Payload<'room:member-left'>];
  'room:member-updated': [Payload<'room:member-updated'>];
  'room:read': [Payload<'room:read'>];
  /** My notification level for a room changed (on this or another device). */
  'room:settings': [Payload<'room:settings'>];
  /**
   * Another member's read marker moved. The server sends one `room:member-read`, or several in one
   * `room:members-read`; both arrive here one member at a time, in the order given.
   */
  'room:member-read': [Payload<'room:member-read'>];
  'message:reactions': [Payload<'message:reactions'>];
  typing: [Payload<'typing'>];
  presence: [Payload<'presence'>];
  'user:updated': [Payload<'user:updated'>];
  /**
   * The server turned the connection away for now (SERVICE_UNAVAILABLE: busy, or a transient failure) and the client
   * retries in `inMs` (the server's `retryAfterMs` hint, when it gave one, with jitter). Still signed in.
   */
  retry: [{ code: string; retryAfterMs: number | null; inMs: number }];
}

const PASSTHROUGH = [
  'room:updated',
  'room:member-joined',
  'room:member-updated',
  'room:read',
  'room:settings',
  'room:member-read',
  'message:reactions',
  'typing',
  'presence',
  'user:updated',
] as const;
/** Reconnect backoff after a transport drop: 0.5 s doubling to 5 s, ±50% (full jitter after a mass drop). */
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 5000;
const JITTER = 0.5;
/** Longest wait a chain of busy refusals widens to. */
const MAX_BUSY_WAIT_MS = 60_000;
/** WebSocket first; long-polling where a WebSocket cannot be opened (a proxy that drops Upgrade). */
const TRANSPORTS: ('websocket' | 'polling')[] = ['websocket', 'polling'];
/**
 * Failed connection attempts in a row, on WebSocket alone after it has worked, before long-polling may be tried again
 * (the way to the server may have changed, e.g. to a network whose proxy drops Upgrade). At the backoff above this is
 * some 20-30 s of failures: far longer than a server takes to restart.
 */
export const WEBSOCKET_ONLY_MAX_FAILURES = 8;

/** The server's `retryAfterMs` on a refused handshake (docs/PROTOCOL.md), when it sent a usable one. */
function retryHint(err: Error): number | undefined {
  const data = (err as Error & { data?: unknown }).data;
  const ms = typeof data === 'object' && data !== null ? (data as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_BUSY_WAIT_MS) : undefined;
}

const FINAL_SEND_ERRORS = new Set([
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'ACCOUNT_DISABLED',
  'ROOM_ARCHIVED',
]);

// Not crypto.randomUUID: it exists only in secure contexts, and a LAN server reached over plain http is not one.
// uuid's v4 falls back to crypto.getRandomValues, which every context has.
function newClientId(): string {
  return uuidv4();
}

export class RealtimeClient extends Emitter<RealtimeEvents> {
  readonly api: ApiClient;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private currentState: ConnectionState = 'offline';
  private userId: number | undefined;
  private everReady = false;
  private closed = true;
  private forceRefresh = false;
  private authFailures = 0;
  private reconnectAttempts = 0;
  /** Failed connection attempts in a row since WebSocket alone was chosen (see `useTransportThatWorked`). */
  private websocketOnlyFailures = 0;
  /** Busy refusals in a row (SERVICE_UNAVAILABLE with a retry hint): each one widens the wait. */
  private busyRefusals = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  /** Highest seq delivered per room; everything up to it has been delivered, in order. */
  private readonly seqs = new Map<number, number>();
  private readonly buffered = new Map<number, Map<number, Message>>();
  private readonly catchingUp = new Map<number, Promise<void>>();
  private entries: OutboxEntry[] = [];
  private flushing = false;
  private readonly loaded: Promise<void>;

  constructor(private readonly options: RealtimeOptions) {
    super();
    const apiOptions: ConstructorParameters<typeof ApiClient>[0] = { serverUrl: options.serverUrl, getAccessToken: options.getAccessToken };
    if (options.fetch) apiOptions.fetch = options.fetch;
    this.api = new ApiClient(apiOptions);
    this.loaded = Promise.resolve(options.outboxStore?.load() ?? []).then(
      (entries) => {
        this.entries = [...entries, ...this.entries];
        if (entries.length) this.emit('outbox', this.outbox());
      },
      () => undefined,
    );
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The transport of the current connection ('websocket', or 'polling' behind a proxy that drops Upgrade). */
  get transport(): string | undefined {
    return this.socket?.io.engine?.transport?.name;
  }

  get me(): number | undefined {
    return this.userId;
  }

  lastSeq(roomId: number): number {
    return this.seqs.get(roomId) ?? 0;
  }

  outbox(): OutboxEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  connect(): void {
    if (!this.closed) return;
    this.closed = false;
    this.setState('connecting');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.options.serverUrl, {
      path: '/socket.io',
      // WebSocket first, HTTP long-polling only where a WebSocket cannot be opened (a proxy that drops Upgrade):
      // polling first costs every (re)connect several HTTP requests and an upgrade, which a reconnect storm multiplies.
      transports: [...TRANSPORTS],
      tryAllTransports: true,
      reconnectionDelay: RECONNECT_DELAY_MS,
      reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
      randomizationFactor: JITTER,
      ...this.options.socketOptions,
      autoConnect: false,
      auth: (cb) => {
        const force = this.forceRefresh;
        this.forceRefresh = false;
        this.options.getAccessToken(force).then(
          (token) => cb({ token: token ?? '' }),
          () => cb({ token: '' }),
        );
      },
    });
    this.socket = socket;
    this.wire(socket);
    socket.connect();
    this.flushTimer = setInterval(() => void this.flush(), 5000);
  }

  /** After the OS resumes or the network comes back: reconnect now instead of waiting for the backoff. */
  reconnectNow(): void {
    if (this.closed || !this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectAttempts = 0;
    // Another network may have another way to the server: long-polling may be needed again.
    this.allowPolling(this.socket);
    if (this.socket.connected) {
      // The connection may be dead without knowing it yet; a fresh one is cheap and catches up on ready.
      this.socket.disconnect();
    }
    this.setState('reconnecting');
    this.socket.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.flushTimer);
    this.socket?.disconnect();
    this.socket = undefined;
    this.setState('offline');
  }

  /**
   * Reconnects later. With the server's `retryAfterMs` (it is busy): that long, widened by half again for each busy
   * refusal in a row, with ±50% jitter so the refused do not come back together. Without: exponential backoff.
   */
  private scheduleReconnect(retryAfterMs?: number): number | undefined {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    let delay: number;
    if (retryAfterMs !== undefined) {
      delay = Math.min(MAX_BUSY_WAIT_MS, retryAfterMs * 1.5 ** this.busyRefusals) * (0.5 + Math.random());
      this.busyRefusals += 1;
    } else {
      const base = Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS * 2 ** Math.min(this.reconnectAttempts, 5));
      delay = base * (1 - JITTER + 2 * JITTER * Math.random());
      this.reconnectAttempts += 1;
    }
    this.setState('reconnecting');
    this.reconnectTimer = setTimeout(() => this.socket?.connect(), delay);
    return delay;
  }

  /**
   * Once a WebSocket has worked, reconnects use WebSocket alone. A refused or failed attempt is then a server that is
   * down or restarting, not a proxy in the way; with the fallback, the attempts that failed just before a restarted
   * server listened went on to long-polling, which succeeded a moment later: up to a quarter of the clients of a
   * reconnect storm came back on long-polling (bench/storm.ts), each costing the server several HTTP requests per event
   * and an upgrade. Many failures in a row, or a change of network, allow long-polling again.
   */
  private useTransportThatWorked(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    if (!this.adaptsTransports()) return;
    const engine = socket.io.engine;
    const remember = () => {
      socket.io.opts.transports = ['websocket'];
      this.websocketOnlyFailures = 0;
    };
    if (engine.transport.name === 'websocket') remember();
    else engine.once('upgrade', remember);
  }

  private allowPolling(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    if (this.adaptsTransports()) socket.io.opts.transports = [...TRANSPORTS];
    this.websocketOnlyFailures = 0;
  }

  /** Only with the default transports: a caller that chose its own (tests, benchmarks) keeps them. */
  private adaptsTransports(): boolean {
    return this.options.socketOptions?.transports === undefined;
  }

  private endSession(code: SessionEndCode): void {
    this.emit('session:ended', { code });
    this.close();
  }

  private wire(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    socket.io.on('open', () => this.useTransportThatWorked(socket));
    socket.on('connect_error', (err) => {
      if (this.closed) return;
      if (socket.io.opts.transports?.length === 1 && ++this.websocketOnlyFailures >= WEBSOCKET_ONLY_MAX_FAILURES) this.allowPolling(socket);
      // The server's refusal code is the error's message (docs/PROTOCOL.md); transport errors have other text.
      const code = err.message;
      // Only a real end of the session signs the user out; everything else is retried.
      if (isSessionEndCode(code)) return this.endSession(code);
      if (code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED') {
        this.authFailures += 1;
        // No usable token after refreshing twice: the token source has no session left to give.
        if (code === 'UNAUTHENTICATED' && this.authFailures > 2) return this.endSession('SESSION_EXPIRED');
        this.forceRefresh = true;
        return this.scheduleReconnect();
      }
      // SERVICE_UNAVAILABLE (busy, or a database or Redis hiccup), TOO_MANY_SOCKETS, transport errors: jittered
      // backoff, as long as the server's retryAfterMs when it gave one. socket.io's manager retries transport errors
      // on its own; anything it gave up on, we retry.
      if (socket.active) return this.setState('reconnecting');
      const hint = retryHint(err);
      const inMs = this.scheduleReconnect(hint);
      if (code === 'SERVICE_UNAVAILABLE' && inMs !== undefined)
        this.emit('retry', { code, retryAfterMs: hint ?? null, inMs: Math.round(inMs) });
    });
    socket.on('disconnect', (reason) => {
      if (this.closed) return;
      // The server vanished (crash, restart, network): everyone on it dropped at the same moment, so spread the
      // reconnects over the whole backoff step (full jitter) instead of bunching them around its middle.
      if (reason === 'transport close' || reason === 'transport error' || reason === 'ping timeout') socket.io.randomizationFactor(1);
      if (socket.active) this.setState('reconnecting');
      else if (reason === 'io server disconnect') this.scheduleReconnect();
    });
    socket.on('token:expired', () => {
      this.forceRefresh = true;
    });
    socket.on('session:revoked', ({ code }) => this.endSession(isSessionEndCode(code) ? code : 'SESSION_REVOKED'));
    // A transient set-up failure: the server disconnects next and the 'disconnect' handler above reconnects.
    socket.on('session:interrupted', () => this.setState('reconnecting'));
    socket.on('session:ready', (ready) => void this.onReady(ready));
    socket.on('message:new', (m) => this.receive(m));
    socket.on('message:updated', (m) => this.emit('message:updated', m));
    socket.on('room:created', (room) => {
      if (!this.seqs.has(room.id)) this.seqs.set(room.id, room.lastSeq);
      this.emit('room:created', room);
    });
    socket.on('room:deleted', (p) => {
      this.forget(p.roomId);
      this.emit('room:deleted', p);
    });
    socket.on('room:member-left', (p) => {
      if (p.userId === this.userId) this.forget(p.roomId);
      this.emit('room:member-left', p);
    });
    socket.on('presence:many', ({ users }) => {
      for (const p of users) this.emit('presence', p);
    });
    socket.on('room:members-read', ({ roomId, reads }) => {
      for (const r of reads)
        if (r.userId !== this.userId) this.emit('room:member-read', { roomId, userId: r.userId, lastReadSeq: r.lastReadSeq });
    });
    for (const event of PASSTHROUGH) {
      socket.on(event, ((payload: never) => this.emit(event, payload)) as never);
    }
  }

  private forget(roomId: number): void {
    this.seqs.delete(roomId);
    this.buffered.delete(roomId);
  }

  private async onReady(ready: SessionReady): Promise<void> {
    this.authFailures = 0;
    this.reconnectAttempts = 0;
    this.busyRefusals = 0;
    this.socket?.io.randomizationFactor(JITTER);
    this.userId = ready.user.id;
    const listed = new Set(ready.rooms.map((r) => r.id));
    for (const room of ready.rooms) {
      const known = this.seqs.get(room.id);
      // First contact: history is the UI's to page in; later, a room we had not heard of is one we joined while away.
      if (known === undefined) this.seqs.set(room.id, this.everReady ? 0 : room.lastSeq);
      if ((this.seqs.get(room.id) ?? 0) < room.lastSeq) void this.catchUp(room.id);
    }
    for (const id of [...this.seqs.keys()]) if (!listed.has(id)) this.forget(id);
    this.everReady = true;
    this.setState('online');
    this.emit('ready', ready);
    await this.loaded;
    void this.flush();
  }

  /** Every message goes through here (broadcast, ack, catch-up): duplicates dropped, gaps fetched, order kept. */
  private receive(m: Message): void {
    const known = this.seqs.get(m.roomId);
    if (known === undefined) {
      this.seqs.set(m.roomId, m.seq - 1);
      return this.receive(m);
    }
    if (m.seq <= known) return;
    if (m.seq === known + 1 && !this.catchingUp.has(m.roomId)) {
      this.deliver(m);
      this.drainBuffer(m.roomId);
      return;
    }
    let buf = this.buffered.get(m.roomId);
    if (!buf) this.buffered.set(m.roomId, (buf = new Map()));
    buf.set(m.seq, m);
    void this.catchUp(m.roomId);
  }

  private deliver(m: Message): void {
    this.seqs.set(m.roomId, m.seq);
    if (m.sender.id === this.userId && m.clientId) this.settle(m.clientId);
    this.emit('message', m);
  }

  private drainBuffer(roomId: number): void {
    const buf = this.buffered.get(roomId);
    if (!buf) return;
    for (;;) {
      const next = buf.get((this.seqs.get(roomId) ?? 0) + 1);
      if (!next) break;
      buf.delete(next.seq);
      this.deliver(next);
    }
    for (const seq of buf.keys()) if (seq <= (this.seqs.get(roomId) ?? 0)) buf.delete(seq);
    if (buf.size === 0) this.buffered.delete(roomId);
  }

  /** Fetches everything after the last delivered seq, one room at a time. */
  catchUp(roomId: number): Promise<void> {
    const running = this.catchingUp.get(roomId);
    if (running) return running;
    const run = (async () => {
      let failed = false;
      try {
        for (let guard = 0; guard < 10_000; guard++) {
          const after = this.seqs.get(roomId);
          if (after === undefined) return;
          const page = await this.api.history(roomId, { after, limit: 100 });
          for (const m of page.messages) if (m.seq === (this.seqs.get(roomId) ?? 0) + 1) this.deliver(m);
          this.drainBuffer(roomId);
          if (!page.hasMore && !this.buffered.get(roomId)?.size) return;
          if (page.messages.length === 0) return;
        }
      } catch {
        // Offline or the room went away: the next ready or message triggers another catch-up.
        failed = true;
      } finally {
        this.catchingUp.delete(roomId);
      }
      // A message may have been buffered after the last page was read.
      this.drainBuffer(roomId);
      if (!failed && this.buffered.get(roomId)?.size) void this.catchUp(roomId);
    })();
    this.catchingUp.set(roomId, run);
    return run;
  }

  // ---------- outbox ----------
  private persist(): void {
    const entries = this.outbox();
    void Promise.resolve(this.options.outboxStore?.save(entries)).catch(() => undefined);
    this.emit('outbox', entries);
  }

  private settle(clientId: string): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.clientId !== clientId);
    if (this.entries.length !== before) this.persist();
  }

  send(
    roomId: number,
    body: string,
    opts: { replyToId?: number | null; kind?: 'image' | 'file'; attachment?: NonNullable<Attachment> } = {},
  ): OutboxEntry {
    const entry: OutboxEntry = {
      clientId: newClientId(),
      roomId,
      body,
      replyToId: opts.replyToId ?? null,
      createdAt: new Date().toISOString(),
      state: 'pending',
    };
    if (opts.kind && opts.attachment) {
      entry.kind = opts.kind;
      entry.attachment = opts.attachment;
    }
    this.entries.push(entry);
    this.persist();
    void this.flush();
    return { ...entry };
  }

  retry(clientId: string): void {
    const entry = this.entries.find((e) => e.clientId === clientId);
    if (!entry) return;
    entry.state = 'pending';
    delete entry.error;
    this.persist();
    void this.flush();
  }

  discard(clientId: string): void {
    this.settle(clientId);
  }

  /** Sends pending entries one at a time, in order, so a user's own messages keep the order they were written in. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const socket = this.socket;
        const entry = this.entries.find((e) => e.state === 'pending');
        if (!entry || !socket?.connected || this.currentState !== 'online') return;
        const res = await this.emitSend(socket, entry);
        if (res === 'retry-later') return;
      }
    } finally {
      this.flushing = false;
    }
  }

  private async emitSend(socket: Socket<ServerToClientEvents, ClientToServerEvents>, entry: OutboxEntry): Promise<'done' | 'retry-later'> {
    const payload = {
      roomId: entry.roomId,
      clientId: entry.clientId,
      body: entry.body,
      replyToId: entry.replyToId,
      ...(entry.kind && entry.attachment ? { kind: entry.kind, attachmentId: entry.attachment.id } : {}),
    };
    let res;
    try {
      res = await socket.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck('message:send', payload);
    } catch {
      return 'retry-later';
    }
    if (res.ok) {
      this.receive(res.message);
      this.settle(entry.clientId);
      return 'done';
    }
    return this.onSendError(entry, res.error);
  }

  private async onSendError(entry: OutboxEntry, error: ApiErrorBody): Promise<'done' | 'retry-later'> {
    if (FINAL_SEND_ERRORS.has(error.code)) {
      entry.state = 'failed';
      entry.error = { code: error.code, message: error.message };
      this.persist();
      return 'done';
    }
    if (error.code === 'RATE_LIMITED') {
      await new Promise((r) => setTimeout(r, (error.retryAfter ?? 1) * 1000));
      return 'done';
    }
    if (error.code === 'TOKEN_EXPIRED') this.forceRefresh = true;
    return 'retry-later';
  }

  // ---------- other actions ----------
  private async viaSocket<T>(
    fn: (s: Socket<ServerToClientEvents, ClientToServerEvents>) => Promise<({ ok: true } & T) | { ok: false; error: ApiErrorBody }>,
    rest: () => Promise<T>,
  ): Promise<T> {
    const socket = this.socket;
    if (!socket?.connected) return rest();
    const res = await fn(
      socket.timeout(this.options.ackTimeoutMs ?? 10_000) as unknown as Socket<ServerToClientEvents, ClientToServerEvents>,
    ).catch(() => undefined);
    if (!res) return rest();
    if (!res.ok) throw new ApiError(0, res.error);
    return res as T;
  }

  async edit(messageId: number, body: string): Promise<Message> {
    const res = await this.viaSocket<{ message: Message }>(
      (s) => s.emitWithAck('message:edit', { messageId, body }),
      async () => ({ message: await this.api.edit(messageId, body) }),
    );
    return res.message;
  }

  async recall(messageId: number): Promise<Message> {
    const res = await this.viaSocket<{ message: Message }>(
      (s) => s.emitWithAck('message:delete', { messageId }),
      async () => ({ message: await this.api.recall(messageId) }),
    );
    return res.message;
  }

  async markRead(roomId: number, seq: number): Promise<ReadResult> {
    const res = await this.viaSocket<ReadResult>(
      (s) => s.emitWithAck('room:read', { roomId, seq }),
      () => this.api.markRead(roomId, seq),
    );
    return { lastReadSeq: res.lastReadSeq, unreadCount: res.unreadCount };
  }

  /** Adds (`on`) or removes my reaction (socket, REST when offline); resolves with the message's reactions. */
  async react(messageId: number, emoji: string, on: boolean): Promise<Reaction[]> {
    const res = await this.viaSocket<{ reactions: Reaction[] }>(
      (s) => s.emitWithAck('message:react', { messageId, emoji, on }),
      async () => ({ reactions: (await this.api.react(messageId, emoji, on)).reactions }),
    );
    return res.reactions;
  }

  setNotify(roomId: number, notify: NotifyLevel) {
    return this.api.setNotify(roomId, notify);
  }

  typing(roomId: number, typing: boolean): void {
    if (this.socket?.connected) this.socket.volatile.emit('typing', { roomId, typing });
  }
}
