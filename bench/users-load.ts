// Child-process entry of `npm run bench -- users`: simulated people, each a real client (client/realtime.ts for the
// socket, client/api.ts for REST), doing Mattermost's simulative-controller mix (bench/users.ts lists the mapping):
// open rooms, scroll history, check unread, read, type and send (text, and a small file now and then), react, edit,
// delete, search, reconnect and log in again, with a uniform idle time between actions. It measures send-to-delivery
// (every member's client; the send time travels in the body), history request latency, and what was lost.
import { randomBytes } from 'node:crypto';
import { ApiClient } from '../client/api.js';
import { RealtimeClient } from '../client/realtime.js';
import type { Attachment } from '../protocol/types.js';
import { LatencyHistogram, nowMs, serveIpc, sleep, type LatencySummary } from './realtime-common.js';

export interface SimUser {
  id: number;
  username: string;
  password: string;
  token: string;
  rooms: number[];
}

/** `connect` signs every user in and returns; `run` then starts the activity (so sign-in is outside what is measured). */
export type UsersCommand =
  | {
      cmd: 'connect';
      url: string;
      users: SimUser[];
      durationMs: number;
      idleMinMs: number;
      idleAvgMs: number;
      /** One post in this many carries a file. */
      fileEvery: number;
      tag: string;
    }
  | { cmd: 'run' }
  | { cmd: 'close' };

export interface UsersResult {
  users: number;
  connectMs: number;
  actions: Record<string, number>;
  errors: Record<string, number>;
  firstError: string | null;
  sent: number;
  delivery: LatencySummary;
  history: LatencySummary;
  /** Member deliveries missing at the end (a member's client never got a persisted message of its room). */
  lost: number;
  expectedDeliveries: number;
  /** Sends still in an outbox (never acked) at the end. */
  unacked: number;
  signedOut: number;
  /** This load process's own CPU over the activity (share of one core): a saturated load process delays the
   * deliveries it measures, so a step is only the server's if this stays clear of 100%. */
  loadCpu: number;
}

/** Mattermost's action frequencies mapped onto this protocol (see bench/users.ts). */
const MIX: [string, number][] = [
  ['open room', 19.2],
  ['scroll history', 2],
  ['unread check', 1.5],
  ['send', 1.5],
  ['read', 1.17],
  ['react', 0.5],
  ['reconnect', 0.2],
  ['log in again', 0.1],
  ['search messages', 0.1],
  ['search users', 0.1],
  ['edit', 0.1],
  ['delete', 0.06],
];
const TOTAL = MIX.reduce((a, [, w]) => a + w, 0);

function pick(): string {
  let r = Math.random() * TOTAL;
  for (const [name, w] of MIX) if ((r -= w) < 0) return name;
  return MIX[0]![0];
}

interface Person {
  u: SimUser;
  token: string;
  client: RealtimeClient;
  api: ApiClient;
  lastReadyAt: number;
  /** Tagged message ids received, per room. */
  got: Map<number, Set<number>>;
  /** Own recent messages, for edit/delete/react. */
  recent: { id: number; roomId: number }[];
  /** The open room's oldest loaded seq (for scrolling). */
  open: { roomId: number; oldest: number } | undefined;
}

let people: Person[] = [];

async function runUsers(
  c: Extract<UsersCommand, { cmd: 'connect' }>,
  signedIn: (ms: number) => void,
  go: Promise<void>,
): Promise<UsersResult> {
  const delivery = new LatencyHistogram();
  const history = new LatencyHistogram();
  const actions: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let firstError: string | null = null;
  let signedOut = 0;
  let sent = 0;
  /** Persisted tagged messages per room (ids), from their senders' acks. */
  const persisted = new Map<number, Set<number>>();
  const fail = (what: string, err: unknown) => {
    errors[what] = (errors[what] ?? 0) + 1;
    firstError ??= `${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  };

  const t0 = nowMs();
  people = c.users.map((u) => {
    const p: Person = {
      u,
      token: u.token,
      client: undefined as unknown as RealtimeClient,
      api: undefined as unknown as ApiClient,
      lastReadyAt: 0,
      got: new Map(),
      recent: [],
      open: undefined,
    };
    p.client = new RealtimeClient({
      serverUrl: c.url,
      getAccessToken: () => Promise.resolve(p.token),
      socketOptions: { forceNew: true, timeout: 30_000 },
    });
    p.api = p.client.api;
    p.client.on('ready', () => {
      p.lastReadyAt = nowMs();
    });
    p.client.on('session:ended', () => {
      signedOut += 1;
    });
    p.client.on('message', (m) => {
      if (m.kind === 'system') return;
      const parts = m.body.split('|');
      if (parts[0] !== c.tag) return;
      const sentAt = Number(parts[1]);
      let set = p.got.get(m.roomId);
      if (!set) p.got.set(m.roomId, (set = new Set()));
      set.add(m.id);
      // Live deliveries only: one sent before this client's last session:ready arrived through catch-up.
      if (sentAt > p.lastReadyAt) delivery.add(nowMs() - sentAt);
      if (m.sender.id === u.id) {
        let all = persisted.get(m.roomId);
        if (!all) persisted.set(m.roomId, (all = new Set()));
        all.add(m.id);
        p.recent.push({ id: m.id, roomId: m.roomId });
        if (p.recent.length > 10) p.recent.shift();
      }
    });
    return p;
  });
  // Everyone signs in first (100 at a time), then the clock starts.
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < people.length) {
        const p = people[next++]!;
        await new Promise<void>((resolve) => {
          const off = p.client.on('ready', () => {
            off();
            resolve();
          });
          p.client.connect();
        });
      }
    }),
  );
  const connectMs = nowMs() - t0;
  signedIn(connectMs);
  await go;
  const cpu0 = process.cpuUsage();
  const wall0 = nowMs();

  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const s = nowMs();
    const r = await work();
    history.add(nowMs() - s);
    return r;
  };
  const room = (p: Person) => p.u.rooms[Math.floor(Math.random() * p.u.rooms.length)]!;
  const act = async (p: Person, what: string) => {
    switch (what) {
      case 'open room': {
        const roomId = room(p);
        const page = await timed(() => p.api.history(roomId, { limit: 50 }));
        const last = page.messages[page.messages.length - 1];
        p.open = { roomId, oldest: page.messages[0]?.seq ?? 0 };
        if (last) await p.client.markRead(roomId, last.seq);
        return;
      }
      case 'scroll history': {
        if (!p.open || p.open.oldest <= 1) return act(p, 'open room');
        const { roomId, oldest } = p.open;
        const page = await timed(() => p.api.history(roomId, { before: oldest, limit: 50 }));
        p.open.oldest = page.messages[0]?.seq ?? 1;
        return;
      }
      case 'unread check':
        await p.api.rooms();
        return;
      case 'read': {
        const roomId = room(p);
        const seq = p.client.lastSeq(roomId);
        if (seq > 0) await p.client.markRead(roomId, seq);
        return;
      }
      case 'send': {
        const roomId = p.open?.roomId ?? room(p);
        p.client.typing(roomId, true);
        await sleep(300 + Math.random() * 1200);
        sent += 1;
        const body = `${c.tag}|${nowMs()}|status update ${randomBytes(3).toString('hex')} 明天的会议改到下午三点`;
        if (sent % c.fileEvery === 0) {
          const form = new FormData();
          form.append('file', new Blob([randomBytes(20_000)]), 'notes.bin');
          const res = await fetch(`${c.url}/api/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${p.token}` }, body: form });
          if (res.status !== 201) throw new Error(`upload: HTTP ${res.status}`);
          const attachment = (await res.json()) as NonNullable<Attachment>;
          p.client.send(roomId, `${c.tag}|${nowMs()}|the file`, { kind: 'file', attachment });
        } else p.client.send(roomId, body);
        p.client.typing(roomId, false);
        return;
      }
      case 'react': {
        const m = p.recent[Math.floor(Math.random() * p.recent.length)];
        if (m) await p.client.react(m.id, '👍', true);
        return;
      }
      case 'edit': {
        const m = p.recent[p.recent.length - 1];
        if (m) await p.client.edit(m.id, `${c.tag}|0|edited`);
        return;
      }
      case 'delete': {
        const m = p.recent.shift();
        if (m) await p.client.recall(m.id);
        return;
      }
      case 'search messages':
        await p.api.searchMessages({ q: '会议', limit: 20 });
        return;
      case 'search users':
        await p.api.searchUsers({ q: p.u.username.slice(0, 4), limit: 20 });
        return;
      case 'reconnect':
        p.client.reconnectNow();
        await p.api.rooms();
        return;
      case 'log in again': {
        const auth = await new ApiClient({ serverUrl: c.url }).login({ login: p.u.username, password: p.u.password });
        p.token = auth.accessToken;
        p.client.reconnectNow();
        return;
      }
    }
  };

  const end = nowMs() + c.durationMs;
  const idle = () => c.idleMinMs + Math.random() * (2 * c.idleAvgMs - 2 * c.idleMinMs);
  await Promise.all(
    people.map(async (p) => {
      await sleep(Math.random() * c.idleAvgMs); // spread the first actions
      while (nowMs() < end) {
        const what = pick();
        actions[what] = (actions[what] ?? 0) + 1;
        try {
          await act(p, what);
        } catch (err) {
          fail(what, err);
        }
        await sleep(Math.min(idle(), Math.max(0, end - nowMs())));
      }
    }),
  );

  // Drain: outboxes empty, every member holding every persisted message of its rooms (catch-up included), or 30 s.
  const expectedOf = () => {
    let expected = 0;
    let missing = 0;
    for (const p of people)
      for (const roomId of p.u.rooms) {
        const all = persisted.get(roomId);
        if (!all) continue;
        const got = p.got.get(roomId);
        for (const id of all) {
          expected += 1;
          if (!got?.has(id)) missing += 1;
        }
      }
    return { expected, missing };
  };
  const drainEnd = nowMs() + 30_000;
  while (nowMs() < drainEnd) {
    const pending = people.reduce((a, p) => a + p.client.outbox().length, 0);
    if (pending === 0 && expectedOf().missing === 0) break;
    await sleep(200);
  }
  const { expected, missing } = expectedOf();
  const cpu = process.cpuUsage(cpu0);
  return {
    loadCpu: (cpu.user + cpu.system) / 1000 / (nowMs() - wall0),
    users: people.length,
    connectMs,
    actions,
    errors,
    firstError,
    sent,
    delivery: delivery.summary(),
    history: history.summary(),
    lost: missing,
    expectedDeliveries: expected,
    unacked: people.reduce((a, p) => a + p.client.outbox().length, 0),
    signedOut,
  };
}

let started: { go: () => void; result: Promise<UsersResult> } | undefined;

serveIpc<UsersCommand>(async (c) => {
  switch (c.cmd) {
    case 'connect': {
      let go = () => undefined as void;
      const gate = new Promise<void>((r) => (go = r));
      let signed = (_: number) => undefined as void;
      const signedIn = new Promise<number>((r) => (signed = r));
      const result = runUsers(c, signed, gate);
      started = { go, result };
      return { connectMs: await Promise.race([signedIn, result.then(() => NaN)]) };
    }
    case 'run': {
      if (!started) throw new Error('run before connect');
      const { go, result } = started;
      started = undefined;
      go();
      return result;
    }
    case 'close':
      for (const p of people) p.client.close();
      people = [];
      return null;
  }
});
