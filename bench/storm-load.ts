// Child-process entry of the reconnect-storm load (bench/storm.ts): N instances of the real client
// (client/realtime.ts: its reconnect backoff, its handling of SERVICE_UNAVAILABLE + retryAfterMs), each signed in
// with its own access token, counted as they reach session:ready. A client that would show its user the login
// screen emits session:ended: counted, and the benchmark requires none.
import { RealtimeClient } from '../client/realtime.js';
import { serveIpc } from './realtime-common.js';

export type StormCommand =
  | { cmd: 'connect'; url: string; tokens: string[]; concurrency: number }
  | { cmd: 'mark' }
  | { cmd: 'awaitAll'; timeoutMs: number }
  | { cmd: 'close' };

export interface StormCounts {
  clients: number;
  /** Clients that reached session:ready since the last mark. */
  ready: number;
  /** Epoch ms of the first and of the last of them (null: none / not all). */
  firstAt: number | null;
  allAt: number | null;
  /** Busy refusals (SERVICE_UNAVAILABLE with a retry hint) since the mark, and the median hint. */
  refusals: number;
  medianHintMs: number | null;
  /** session:ended since the start: a login screen for someone. Must stay 0. */
  ended: number;
  /** Of `ready`, those that came back on HTTP long-polling instead of a WebSocket (each costs the server far more). */
  polling: number;
}

export interface StormResults {
  connect: StormCounts & { ms: number };
  mark: null;
  awaitAll: StormCounts;
  close: null;
}

const clients: RealtimeClient[] = [];
let readySince = new Set<RealtimeClient>();
let pollingSince = 0;
let firstAt: number | null = null;
let allAt: number | null = null;
let hints: number[] = [];
let ended = 0;
let onAll: (() => void) | undefined;

function counts(): StormCounts {
  const sorted = [...hints].sort((a, b) => a - b);
  return {
    clients: clients.length,
    ready: readySince.size,
    firstAt,
    allAt,
    refusals: hints.length,
    medianHintMs: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null,
    ended,
    polling: pollingSince,
  };
}

function add(url: string, token: string): Promise<void> {
  const client = new RealtimeClient({
    serverUrl: url,
    getAccessToken: () => Promise.resolve(token),
    socketOptions: { forceNew: true, timeout: 30_000 },
  });
  clients.push(client);
  client.on('retry', (r) => {
    if (r.retryAfterMs !== null) hints.push(r.retryAfterMs);
  });
  client.on('session:ended', () => {
    ended += 1;
  });
  return new Promise((resolve) => {
    client.on('ready', () => {
      resolve();
      if (readySince.has(client)) return;
      readySince.add(client);
      if (client.transport === 'polling') pollingSince += 1;
      const now = Date.now();
      firstAt ??= now;
      if (readySince.size === clients.length) {
        allAt = now;
        onAll?.();
      }
    });
    client.connect();
  });
}

serveIpc<StormCommand>(async (c) => {
  switch (c.cmd) {
    case 'connect': {
      const started = Date.now();
      let next = 0;
      const worker = async () => {
        while (next < c.tokens.length) await add(c.url, c.tokens[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(c.concurrency, c.tokens.length) }, worker));
      return { ...counts(), ms: Date.now() - started };
    }
    case 'mark':
      readySince = new Set();
      pollingSince = 0;
      firstAt = null;
      allAt = null;
      hints = [];
      return null;
    case 'awaitAll':
      if (readySince.size < clients.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, c.timeoutMs);
          onAll = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        onAll = undefined;
      }
      return counts();
    case 'close':
      for (const client of clients) client.close();
      clients.length = 0;
      return null;
  }
});
