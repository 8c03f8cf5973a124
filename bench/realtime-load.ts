// Child-process entry of the load generator: holds groups of socket.io-client sockets (websocket transport) and runs
// the fan-out, durable-send and reconnect scenarios on request from the benchmark over IPC, so the client work never
// shares a process (an event loop) with the server under test.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/events.js';
import type { Ack } from '../protocol/errors.js';
import type { Message } from '../protocol/types.js';
import { LatencyHistogram, nowMs, serveIpc, sleep, type LatencySummary } from './realtime-common.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type SendAck = Ack<{ message: Message }>;

export type LoadCommand =
  | {
      cmd: 'connect';
      group: string;
      url: string;
      /** One handshake `auth` object per socket: `{ token }` for the server, `{ room }` for the bare baseline. */
      auths: Record<string, string | number>[];
      reconnect: boolean;
      concurrency: number;
    }
  | {
      cmd: 'fanout';
      senders: string;
      receivers: string;
      roomId: number;
      rate: number;
      durationMs: number;
      drainMs: number;
      tag: string;
      /** Conversation features in the mix: every 2nd message mentions one of these users, and after every
       * `reactEvery`-th ack a receiver reacts to that message (broadcast to the room as message:reactions). */
      mix?: { mentionNames: string[]; reactEvery: number };
    }
  | { cmd: 'receipts'; group: string; on: boolean }
  | { cmd: 'durable'; group: string; roomIds: number[]; durationMs: number }
  | { cmd: 'markReady'; group: string }
  | { cmd: 'awaitReady'; group: string; timeoutMs: number }
  | { cmd: 'close'; group: string }
  | { cmd: 'memory' };

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError: string | null;
  ms: number;
}

export interface FanoutResult {
  rate: number;
  sent: number;
  /** Messages per second actually offered by the sender (falls short of `rate` when the load process is saturated). */
  sentPerSec: number;
  acked: number;
  ackErrors: number;
  firstError: string | null;
  receivers: number;
  expected: number;
  delivered: number;
  /** Deliveries (one message to one member socket) per second, first send to last delivery. */
  deliveredPerSec: number;
  latency: LatencySummary;
  ack: LatencySummary;
  /** With `mix`: reactions sent, and message:reactions events received by member sockets. */
  reactionsSent: number;
  reactionsDelivered: number;
}

/** Read receipts while `on`: every member socket reads each message it receives (room:read), as a client showing
 * the room does; counted are the receipts each socket then received (events, and the member markers they carried). */
export interface ReceiptsResult {
  sockets: number;
  elapsedMs: number;
  reads: number;
  /** room:member-read + room:members-read events received, over all sockets. */
  events: number;
  /** Member markers carried by those events. */
  markers: number;
  /** The busiest socket's events per second. */
  maxEventsPerSocketPerSec: number;
}

export interface DurableResult {
  clients: number;
  acked: number;
  errors: Record<string, number>;
  ack: LatencySummary;
  elapsedMs: number;
}

export interface ReadyResult {
  total: number;
  ready: number;
  disconnects: number;
  /** Epoch ms of the first and of the last session:ready since markReady (null: none / not all). */
  firstAt: number | null;
  allAt: number | null;
}

export interface LoadResults {
  connect: ConnectResult;
  fanout: FanoutResult;
  receipts: ReceiptsResult | null;
  durable: DurableResult;
  markReady: null;
  awaitReady: ReadyResult;
  close: null;
  memory: { rss: number };
}

interface Group {
  sockets: ClientSocket[];
  /** Sockets that received session:ready since the last markReady. */
  readySince: Set<ClientSocket>;
  disconnects: number;
  firstAt: number | null;
  allAt: number | null;
  onAllReady: (() => void) | undefined;
}

const groups = new Map<string, Group>();

/** The fan-out phase being measured: deliveries of other phases (late ones) are ignored. */
let phase: { tag: string; hist: LatencyHistogram; delivered: number; lastAt: number; reactions: number } | undefined;

/** The receipts phase: per-socket counts of receipts received. */
let receipts: { started: number; reads: number; events: Map<ClientSocket, number>; markers: number } | undefined;

function onDelivery(m: Message): void {
  const now = nowMs();
  const p = phase;
  if (!p) return;
  const bar = m.body.indexOf('|');
  if (bar < 0 || m.body.slice(0, bar) !== p.tag) return;
  p.hist.add(now - Number(m.body.slice(bar + 1).split('|')[0]));
  p.delivered += 1;
  p.lastAt = now;
}

function groupOf(name: string): Group {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { sockets: [], readySince: new Set(), disconnects: 0, firstAt: null, allAt: null, onAllReady: undefined }));
  return g;
}

async function connect(c: Extract<LoadCommand, { cmd: 'connect' }>): Promise<ConnectResult> {
  const g = groupOf(c.group);
  const started = nowMs();
  let connected = 0;
  let failed = 0;
  let firstError: string | null = null;
  // Sockets are appended to the group in `auths` order (not completion order), so socket i is auths[i].
  const made: (ClientSocket | undefined)[] = new Array<ClientSocket | undefined>(c.auths.length);
  const one = (auth: Record<string, string | number>, index: number) =>
    new Promise<void>((resolve) => {
      const socket: ClientSocket = io(c.url, {
        auth,
        transports: ['websocket'],
        forceNew: true,
        reconnection: c.reconnect,
        reconnectionDelay: 100,
        reconnectionDelayMax: 1000,
        randomizationFactor: 0.5,
        timeout: 30_000,
      });
      const timer = setTimeout(() => done(new Error('no session:ready within 60 s')), 60_000);
      let settled = false;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          failed += 1;
          firstError ??= err.message;
          socket.io.opts.reconnection = false;
          socket.disconnect();
        } else {
          connected += 1;
          made[index] = socket;
        }
        resolve();
      };
      socket.on('session:ready', () => {
        done();
        if (!g.readySince.has(socket)) {
          g.readySince.add(socket);
          const now = Date.now();
          g.firstAt ??= now;
          if (g.readySince.size === g.sockets.length) {
            g.allAt = now;
            g.onAllReady?.();
          }
        }
      });
      socket.on('disconnect', () => {
        g.disconnects += 1;
      });
      socket.once('connect_error', (err) => done(err));
      // A busy server refuses a handshake with SERVICE_UNAVAILABLE and retryAfterMs; socket.io does not retry a
      // refusal by itself, so do what the product's client does (client/realtime.ts): come back after the hint.
      if (c.reconnect)
        socket.on('connect_error', (err) => {
          if (!settled || socket.active) return;
          const hint = (err as Error & { data?: { retryAfterMs?: unknown } }).data?.retryAfterMs;
          setTimeout(() => socket.connect(), (typeof hint === 'number' ? hint : 1000) * (0.5 + Math.random()));
        });
      if (c.group.startsWith('recv')) {
        socket.on('message:new', onDelivery);
        socket.on('message:reactions', () => {
          if (phase) phase.reactions += 1;
        });
        socket.on('message:new', (m) => {
          if (!receipts) return;
          receipts.reads += 1;
          socket.emit('room:read', { roomId: m.roomId, seq: m.seq }, () => undefined);
        });
        const counted = (markers: number) => {
          if (!receipts) return;
          receipts.events.set(socket, (receipts.events.get(socket) ?? 0) + 1);
          receipts.markers += markers;
        };
        socket.on('room:member-read', () => counted(1));
        socket.on('room:members-read', (p) => counted(p.reads.length));
      }
    });
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= c.auths.length) return;
      await one(c.auths[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(c.concurrency, c.auths.length) }, worker));
  for (const s of made) if (s) g.sockets.push(s);
  return { connected, failed, firstError, ms: nowMs() - started };
}

function sockets(name: string): ClientSocket[] {
  const g = groups.get(name);
  if (!g || g.sockets.length === 0) throw new Error(`no sockets in group ${name}`);
  return g.sockets;
}

async function fanout(c: Extract<LoadCommand, { cmd: 'fanout' }>): Promise<FanoutResult> {
  const senders = sockets(c.senders);
  const receivers = sockets(c.receivers).length;
  const total = Math.max(1, Math.round((c.rate * c.durationMs) / 1000));
  const hist = new LatencyHistogram();
  const ackHist = new LatencyHistogram();
  const p = { tag: c.tag, hist, delivered: 0, lastAt: 0, reactions: 0 };
  const reactors = c.mix ? sockets(c.receivers) : [];
  let reactionsSent = 0;
  phase = p;
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  let firstError: string | null = null;
  const start = nowMs();
  let lastSendAt = start;

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      const due = Math.min(total, Math.floor(((now - start) * c.rate) / 1000) + 1);
      while (sent < due) {
        const socket = senders[sent % senders.length]!;
        const t = nowMs();
        const n = sent;
        const mention = c.mix && n % 2 === 0 ? `|@${c.mix.mentionNames[(n / 2) % c.mix.mentionNames.length]!}` : '';
        socket.emit('message:send', { roomId: c.roomId, clientId: `${c.tag}-${n}`, body: `${c.tag}|${t}${mention}` }, (res: SendAck) => {
          ackHist.add(nowMs() - t);
          if (res.ok) {
            acked += 1;
            if (c.mix && n % c.mix.reactEvery === 0) {
              reactionsSent += 1;
              const reactor = reactors[n % reactors.length]!;
              reactor.emit('message:react', { messageId: res.message.id, emoji: '👍', on: true }, () => undefined);
            }
          } else {
            ackErrors += 1;
            firstError ??= `${res.error.code}: ${res.error.message}`;
          }
        });
        sent += 1;
      }
      lastSendAt = nowMs();
      if (sent >= total) return resolve();
      const nextAt = start + (sent * 1000) / c.rate;
      setTimeout(tick, Math.max(0, nextAt - nowMs()));
    };
    tick();
  });

  const expected = total * receivers;
  const deadline = nowMs() + c.drainMs;
  while ((p.delivered < expected || acked + ackErrors < sent) && nowMs() < deadline) await sleep(5);
  phase = undefined;
  const span = Math.max(lastSendAt, p.lastAt) - start;
  return {
    rate: c.rate,
    sent,
    sentPerSec: (sent * 1000) / Math.max(1, lastSendAt - start + 1000 / c.rate),
    acked,
    ackErrors,
    firstError,
    receivers,
    expected,
    delivered: p.delivered,
    deliveredPerSec: (p.delivered * 1000) / Math.max(1, span),
    latency: hist.summary(),
    ack: ackHist.summary(),
    reactionsSent,
    reactionsDelivered: p.reactions,
  };
}

function receiptsPhase(c: Extract<LoadCommand, { cmd: 'receipts' }>): ReceiptsResult | null {
  if (c.on) {
    receipts = { started: nowMs(), reads: 0, events: new Map(), markers: 0 };
    return null;
  }
  const r = receipts;
  receipts = undefined;
  if (!r) throw new Error('receipts were not on');
  const elapsedMs = nowMs() - r.started;
  const counts = [...r.events.values()];
  return {
    sockets: sockets(c.group).length,
    elapsedMs,
    reads: r.reads,
    events: counts.reduce((a, b) => a + b, 0),
    markers: r.markers,
    maxEventsPerSocketPerSec: (Math.max(0, ...counts) * 1000) / elapsedMs,
  };
}

let durableRuns = 0;

async function durable(c: Extract<LoadCommand, { cmd: 'durable' }>): Promise<DurableResult> {
  const list = sockets(c.group);
  const hist = new LatencyHistogram();
  const errors: Record<string, number> = {};
  let acked = 0;
  const start = nowMs();
  const end = start + c.durationMs;
  const run = `r${++durableRuns}`; // clientIds must be new in every run, or the server answers with the first message
  // A chat-sized body in both scripts, so the search index (which the benchmark measures with and without) has the
  // work a real message gives it.
  const text = 'please review the release notes before the meeting 我们明天下午三点开会讨论发布计划';
  const client = async (socket: ClientSocket, index: number) => {
    const roomId = c.roomIds[index % c.roomIds.length]!;
    for (let n = 0; nowMs() < end; n++) {
      const t = nowMs();
      const res = await new Promise<SendAck | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 30_000);
        socket.emit('message:send', { roomId, clientId: `${run}-${index}-${n}`, body: `durable ${index} ${n} ${text}` }, (r: SendAck) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
      hist.add(nowMs() - t);
      if (res?.ok) acked += 1;
      else {
        const code = res ? res.error.code : 'ACK_TIMEOUT';
        errors[code] = (errors[code] ?? 0) + 1;
        if (code === 'RATE_LIMITED') await sleep(100);
      }
    }
  };
  await Promise.all(list.map((s, i) => client(s, i)));
  return { clients: list.length, acked, errors, ack: hist.summary(), elapsedMs: nowMs() - start };
}

function markReady(name: string): null {
  const g = groupOf(name);
  g.readySince.clear();
  g.disconnects = 0;
  g.firstAt = null;
  g.allAt = null;
  return null;
}

async function awaitReady(c: Extract<LoadCommand, { cmd: 'awaitReady' }>): Promise<ReadyResult> {
  const g = groupOf(c.group);
  if (g.readySince.size < g.sockets.length) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, c.timeoutMs);
      g.onAllReady = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    g.onAllReady = undefined;
  }
  return { total: g.sockets.length, ready: g.readySince.size, disconnects: g.disconnects, firstAt: g.firstAt, allAt: g.allAt };
}

function close(name: string): null {
  const g = groups.get(name);
  if (!g) return null;
  for (const s of g.sockets) {
    s.io.opts.reconnection = false;
    s.disconnect();
  }
  groups.delete(name);
  return null;
}

serveIpc<LoadCommand>(async (c) => {
  switch (c.cmd) {
    case 'connect':
      return connect(c);
    case 'fanout':
      return fanout(c);
    case 'receipts':
      return receiptsPhase(c);
    case 'durable':
      return durable(c);
    case 'markReady':
      return markReady(c.group);
    case 'awaitReady':
      return awaitReady(c);
    case 'close':
      return close(c.group);
    case 'memory':
      return { rss: process.memoryUsage().rss };
  }
});
