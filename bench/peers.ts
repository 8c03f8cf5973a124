// `npm run bench -- peers`: this server beside ejabberd and Prosody (Debian's packages; MUC with the message archive
// in MariaDB) on the same workloads, in alternating rounds (the order rotates each round, so a neighbour's burst on
// this shared machine does not always land on the same server): a room of 100 at 50 msgs/s (delivery p50/p99 and
// server CPU per delivery), the highest sustained rate in that room, ack-paced durable sends in 100 rooms of 2, and
// memory per idle authenticated connection. Medians over the rounds with their range, and ratios to each peer.
// A peer that cannot be installed or started here is named in one line and the rest runs.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machine, median } from './common.js';
import { startEjabberd, startProsody, MUC_DOMAIN, XMPP_DOMAIN, XMPP_PASSWORD, type XmppPeer } from './peers-xmpp.js';
import type { XmppLoadCommand, XmppLoadResults } from './peers-xmpp-load.js';
import {
  IpcClient,
  cpuSeconds,
  createRoom,
  fmt,
  fmtInt,
  freshDatabase,
  mapPool,
  quickMode,
  registerUsers,
  serverEnv,
  sleep,
  spawnNode,
  startLoad,
  startServer,
  stopServer,
  table,
  tempDataDir,
  type LoadProc,
  type ServerProc,
} from './realtime-common.js';
import { waitForPostings } from './realtime-durable.js';
import { keptUp } from './realtime-fanout.js';
import type { DurableResult, FanoutResult } from './realtime-load.js';

interface Options {
  rounds: number;
  room: number;
  fixedRate: number;
  fixedMs: number;
  stepMs: number;
  rampFactor: number;
  maxRate: number;
  durableClients: number;
  durableRooms: number;
  durableMs: number;
  idle: number;
}

function options(quick = quickMode()): Options {
  const rounds = Number(process.env['BENCH_PEERS_ROUNDS'] ?? (quick ? 1 : 3));
  return quick
    ? {
        rounds,
        room: 100,
        fixedRate: 50,
        fixedMs: 2000,
        stepMs: 1500,
        rampFactor: 2,
        maxRate: 20_000,
        durableClients: 200,
        durableRooms: 100,
        durableMs: 3000,
        idle: 200,
      }
    : {
        rounds,
        room: 100,
        fixedRate: 50,
        fixedMs: 5000,
        stepMs: 3000,
        rampFactor: 1.5,
        maxRate: 20_000,
        durableClients: 200,
        durableRooms: 100,
        durableMs: 10_000,
        // ejabberd (23.01, Debian) stalled for minutes at 100% CPU when 1,000 sessions of 200 users came and went;
        // bench/realtime-connections.ts measures our memory at 10,000.
        idle: 300,
      };
}

/** One round's figures for one server. */
interface RoundResult {
  fixed: FanoutResult;
  /** Server CPU (user + system) per delivery during the fixed-rate phase, in microseconds. */
  cpuPerDeliveryUs: number;
  best: FanoutResult | undefined;
  durable: DurableResult;
  persistedPerSec: number;
  load: number;
}

/** What bench/peers.ts needs of each server: the same five operations, over Socket.IO or XMPP. */
interface Contender {
  name: string;
  version: string;
  storage: string;
  cpu(): number;
  /** Bytes that idle connections grow: RSS for the peers, the live heap after a full GC for ours. */
  memoryBytes(): Promise<number>;
  fanout(rate: number, durationMs: number, tag: string): Promise<FanoutResult>;
  durable(durationMs: number): Promise<{ result: DurableResult; rows: number }>;
  idle(count: number): Promise<void>;
  closeIdle(): Promise<void>;
  stop(): Promise<void>;
}

const log = (msg: string) => process.stderr.write(`[peers] ${msg}\n`);
const load1 = () => loadavg()[0]!;

function rssOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

function cpuOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

// ---------- this server ----------

async function messenger(o: Options, load: LoadProc): Promise<Contender> {
  const db = freshDatabase('bench_peer_messenger');
  const data = tempDataDir();
  // Production configuration on MariaDB; only bcrypt, the per-user send limiter and the per-socket event budget
  // (50/s, which would cap the fan-out sender) are out of the way, as they are in realtime-fanout/-durable.
  let server: ServerProc | undefined;
  try {
    server = await startServer(serverEnv(db, data.dir, { SOCKET_EVENT_RATE: '1000000', SOCKET_EVENT_BURST: '1000000' }));
    const s = server;
    log(`messenger: ${o.room + o.durableClients} users, 1 + ${o.durableRooms} rooms`);
    const room = await registerUsers(s.url, o.room, 'pf_');
    const roomId = await createRoom(room[0]!, room, 'peers fanout');
    const durableUsers = await registerUsers(s.url, o.durableClients, 'pd_');
    const perRoom = Math.ceil(o.durableClients / o.durableRooms);
    const roomOf = new Array<number>(o.durableClients);
    await mapPool(
      Array.from({ length: o.durableRooms }, (_, i) => i),
      8,
      async (r) => {
        const members = durableUsers.slice(r * perRoom, (r + 1) * perRoom);
        const id = await createRoom(members[0]!, members, `peers durable ${r}`);
        for (let j = 0; j < members.length; j++) roomOf[r * perRoom + j] = id;
      },
    );
    const connect = async (group: string, tokens: string[]) => {
      const c = await load.ipc.request({
        cmd: 'connect',
        group,
        url: s.url,
        auths: tokens.map((token) => ({ token })),
        reconnect: false,
        concurrency: 50,
      });
      if (c.failed) throw new Error(`${c.failed} sockets failed: ${c.firstError}`);
    };
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const count = async () => Number(((await db.knex()('messages').count({ n: '*' }).first()) as { n: number | string }).n);
    let connected = false;
    const workload = async () => {
      if (connected) return;
      await connect(
        'recv-peers',
        room.slice(1).map((u) => u.token),
      );
      await connect('send-peers', [room[0]!.token]);
      await connect(
        'durable-peers',
        durableUsers.map((u) => u.token),
      );
      connected = true;
    };
    return {
      name: 'this server',
      version,
      storage: 'MariaDB (messages table, acked after commit)',
      cpu: () => cpuSeconds(s),
      // The live heap after a full GC, not RSS: a few hundred connections of ~18 KB are lost in what V8 and the
      // allocator hand back to the OS between two readings (the RSS delta came out negative). RSS per connection
      // at 10,000 is bench/realtime-connections.ts's figure.
      memoryBytes: async () => {
        const m = await s.memory();
        return m.heapUsed + m.external;
      },
      async fanout(rate, durationMs, tag) {
        await workload();
        return load.ipc.request({
          cmd: 'fanout',
          senders: 'send-peers',
          receivers: 'recv-peers',
          roomId,
          rate,
          durationMs,
          drainMs: 2000,
          tag,
        });
      },
      async durable(durationMs) {
        await workload();
        const before = await count();
        const result = await load.ipc.request({ cmd: 'durable', group: 'durable-peers', roomIds: roomOf, durationMs });
        // The search postings that follow each commit are part of the work: the round's clock runs until they are written.
        await waitForPostings(db.knex(), performance.now());
        return { result, rows: (await count()) - before };
      },
      async idle(n) {
        await connect(
          'idle-peers',
          Array.from({ length: n }, (_, i) => durableUsers[i % durableUsers.length]!.token),
        );
      },
      async closeIdle() {
        await load.ipc.request({ cmd: 'close', group: 'idle-peers' });
      },
      async stop() {
        for (const g of ['recv-peers', 'send-peers', 'durable-peers'])
          await load.ipc.request({ cmd: 'close', group: g }).catch(() => undefined);
        await stopServer(s).catch(() => undefined);
        await db.drop().catch(() => undefined);
        data.remove();
      },
    };
  } catch (err) {
    if (server) await stopServer(server).catch(() => undefined);
    await db.drop().catch(() => undefined);
    data.remove();
    throw err;
  }
}

// ---------- an XMPP peer ----------

function startXmppLoad() {
  const proc = spawnNode('bench/peers-xmpp-load.ts', {}, ['--max-old-space-size=4096']);
  return { proc, ipc: new IpcClient<XmppLoadCommand, XmppLoadResults>(proc, 'xmpp load') };
}

async function xmppContender(peer: XmppPeer, o: Options): Promise<Contender> {
  const load = startXmppLoad();
  try {
    const tag = peer.name.slice(0, 3);
    const room = Array.from({ length: o.room }, (_, i) => `${tag}f${i}`);
    const durableUsers = Array.from({ length: o.durableClients }, (_, i) => `${tag}d${i}`);
    await peer.addUsers([...room, ...durableUsers]);
    const perRoom = Math.ceil(o.durableClients / o.durableRooms);
    const fanRoom = `fanout@${MUC_DOMAIN}`;
    const connect = async (group: string, users: string[], rooms: (string | null)[]) => {
      const c = await load.ipc.request({
        cmd: 'connect',
        group,
        port: peer.port,
        domain: XMPP_DOMAIN,
        password: XMPP_PASSWORD,
        users,
        rooms,
        concurrency: 20,
      });
      if (c.failed) throw new Error(`${peer.name}: ${c.failed} clients failed: ${c.firstError}`);
    };
    log(`${peer.name}: ${o.room + o.durableClients} users join 1 + ${o.durableRooms} rooms`);
    // The sender joins first, so it creates (and owns) the room, as the owner creates ours.
    await connect('send-peers', [room[0]!], [fanRoom]);
    await connect(
      'recv-peers',
      room.slice(1),
      room.slice(1).map(() => fanRoom),
    );
    await connect(
      'durable-peers',
      durableUsers,
      durableUsers.map((_, i) => `durable${Math.floor(i / perRoom)}@${MUC_DOMAIN}`),
    );
    return {
      name: peer.name,
      version: peer.version,
      storage: peer.storage,
      cpu: () => cpuOf(peer.pid()),
      memoryBytes: () => Promise.resolve(rssOf(peer.pid())),
      fanout: (rate, durationMs, t) =>
        load.ipc.request({
          cmd: 'fanout',
          senders: 'send-peers',
          receivers: 'recv-peers',
          room: fanRoom,
          rate,
          durationMs,
          drainMs: 2000,
          tag: t,
        }),
      async durable(durationMs) {
        const before = await peer.archived();
        const result = await load.ipc.request({ cmd: 'durable', group: 'durable-peers', durationMs });
        return { result, rows: (await peer.archived()) - before };
      },
      async idle(n) {
        // Authenticated sessions that join nothing (ours join their rooms' broadcast groups at session:ready).
        await connect(
          'idle-peers',
          Array.from({ length: n }, (_, i) => durableUsers[i % durableUsers.length]!),
          [],
        );
      },
      async closeIdle() {
        await load.ipc.request({ cmd: 'close', group: 'idle-peers' });
      },
      async stop() {
        load.proc.child.disconnect();
        await load.proc.kill();
        await peer.stop();
      },
    };
  } catch (err) {
    await load.proc.kill();
    await peer.stop();
    throw err;
  }
}

// ---------- the rounds ----------

let phases = 0;

async function ramp(c: Contender, o: Options, fixed: FanoutResult): Promise<FanoutResult | undefined> {
  let best: FanoutResult | undefined;
  if (!keptUp(fixed)) {
    // Even the fixed rate was too much (a loaded machine): step down until a rate keeps up, as realtime-fanout does.
    for (let rate = Math.floor(o.fixedRate / o.rampFactor); rate >= 1; rate = Math.floor(rate / o.rampFactor)) {
      const r = await c.fanout(rate, o.stepMs, `p${++phases}`);
      if (keptUp(r)) return r;
    }
    return undefined;
  }
  best = fixed;
  for (let rate = o.fixedRate * o.rampFactor; rate <= o.maxRate; rate = Math.round(rate * o.rampFactor)) {
    let r = await c.fanout(rate, o.stepMs, `p${++phases}`);
    // One retry: a single GC pause or a neighbour's burst on this shared machine should not end the ramp.
    if (!keptUp(r)) r = await c.fanout(rate, o.stepMs, `p${++phases}`);
    if (!keptUp(r)) break;
    best = r;
  }
  return best;
}

async function round(c: Contender, o: Options): Promise<RoundResult> {
  const load = load1();
  await c.fanout(o.fixedRate, 1000, `p${++phases}`); // warm-up
  const cpu0 = c.cpu();
  const fixed = await c.fanout(o.fixedRate, o.fixedMs, `p${++phases}`);
  // Per delivery only when most were delivered within the phase (else the CPU went on deliveries not counted).
  const cpuPerDeliveryUs = fixed.delivered >= 0.5 * fixed.expected ? ((c.cpu() - cpu0) * 1e6) / fixed.delivered : NaN;
  const best = await ramp(c, o, fixed);
  const t0 = performance.now();
  const { result: durable, rows } = await c.durable(o.durableMs);
  const persistedPerSec = (rows * 1000) / (performance.now() - t0);
  log(
    `${c.name}: @${o.fixedRate}/s p99 ${fmt(fixed.latency.p99, 1)} ms, best ${best ? fmtInt(best.rate) : '-'} msgs/s, durable ${fmtInt(persistedPerSec)}/s ack p99 ${fmt(durable.ack.p99, 1)} ms (load ${fmt(load, 2)})`,
  );
  return { fixed, cpuPerDeliveryUs, best, durable, persistedPerSec, load };
}

async function idleMemory(c: Contender, n: number): Promise<number> {
  const before = await c.memoryBytes();
  await c.idle(n);
  await sleep(2000);
  const after = await c.memoryBytes();
  await c.closeIdle();
  return (after - before) / n;
}

const spread = (values: number[], f: (n: number) => string) => {
  const ok = values.filter(Number.isFinite);
  if (ok.length === 0) return '-';
  const lo = Math.min(...ok);
  const hi = Math.max(...ok);
  return ok.length > 1 && lo !== hi ? `${f(median(ok))} (${f(lo)}-${f(hi)})` : f(median(ok));
};

export const description = 'this server beside ejabberd and Prosody (MUC + archive in MariaDB): fan-out, durable sends, memory, CPU';

export async function run(): Promise<void> {
  const o = options();
  const [l1, l5, l15] = loadavg();
  console.log(`${machine()}${quickMode() ? ' (quick mode)' : ''}; load average at start ${fmt(l1!, 2)} ${fmt(l5!, 2)} ${fmt(l15!, 2)}`);
  const load = startLoad();
  const contenders: Contender[] = [];
  try {
    contenders.push(await messenger(o, load));
    for (const [name, start] of [
      ['ejabberd', startEjabberd],
      ['prosody', startProsody],
    ] as const) {
      // BENCH_PEERS=prosody runs only the peers named (this server always runs).
      if (process.env['BENCH_PEERS'] && !process.env['BENCH_PEERS'].split(',').includes(name)) continue;
      try {
        contenders.push(await xmppContender(await start(), o));
      } catch (err) {
        console.log(
          `${name}: skipped, cannot run here: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200)}`,
        );
      }
    }
    const memory = new Map<Contender, number>();
    for (const c of contenders) {
      log(`${c.name}: ${o.idle} idle connections`);
      memory.set(c, await idleMemory(c, o.idle));
    }
    const results = new Map<Contender, RoundResult[]>(contenders.map((c) => [c, []]));
    for (let r = 0; r < o.rounds; r++) {
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
      log(`round ${r + 1}/${o.rounds}: ${order.map((c) => c.name).join(', ')}`);
      for (const c of order) results.get(c)!.push(await round(c, o));
    }
    print(contenders, results, memory, o);
  } finally {
    for (const c of contenders) await c.stop().catch((err: unknown) => log(`${c.name}: stop failed: ${String(err)}`));
    await load.stop().catch(() => undefined);
  }
}

function print(contenders: Contender[], results: Map<Contender, RoundResult[]>, memory: Map<Contender, number>, o: Options): void {
  const of = (c: Contender, f: (r: RoundResult) => number) => results.get(c)!.map(f);
  const med = (c: Contender, f: (r: RoundResult) => number) => median(of(c, f).filter(Number.isFinite));
  const loads = [...results.values()].flat().map((r) => r.load);
  console.log(
    `\nPeers: ${o.rounds} alternating round(s); medians (range over rounds); load average during the rounds ${fmt(Math.min(...loads), 2)}-${fmt(Math.max(...loads), 2)}`,
  );
  for (const c of contenders) console.log(`  ${c.name} ${c.version}: archive in ${c.storage}`);
  const headers = [
    'server',
    `room of ${o.room} @${o.fixedRate}/s p50 ms`,
    'p99 ms',
    'CPU µs/delivery',
    `highest rate, room of ${o.room}`,
    `durable msgs/s (${o.durableRooms} rooms of ${o.durableClients / o.durableRooms})`,
    'ack p50 ms',
    'ack p99 ms',
    'KB/idle conn (ours: live heap; peers: RSS)',
  ];
  const rows = contenders.map((c) => [
    c.name,
    spread(
      of(c, (r) => r.fixed.latency.p50),
      (n) => fmt(n, 1),
    ),
    spread(
      of(c, (r) => r.fixed.latency.p99),
      (n) => fmt(n, 1),
    ),
    spread(
      of(c, (r) => r.cpuPerDeliveryUs),
      (n) => fmt(n, 1),
    ),
    spread(
      of(c, (r) => r.best?.rate ?? NaN),
      fmtInt,
    ),
    spread(
      of(c, (r) => r.persistedPerSec),
      fmtInt,
    ),
    spread(
      of(c, (r) => r.durable.ack.p50),
      (n) => fmt(n, 1),
    ),
    spread(
      of(c, (r) => r.durable.ack.p99),
      (n) => fmt(n, 1),
    ),
    fmt((memory.get(c) ?? NaN) / 1024, 1),
  ]);
  console.log('\n' + table(headers, rows));
  const fixedKept = contenders.map((c) => `${c.name} ${results.get(c)!.filter((r) => keptUp(r.fixed)).length}/${o.rounds}`).join(', ');
  console.log(`rounds in which the ${o.fixedRate}/s phase kept up: ${fixedKept}`);
  const ours = contenders[0]!;
  const peers = contenders.slice(1);
  if (peers.length === 0) return;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${fmt(a / b, 2)}x` : '-');
  console.log(
    '\n' +
      table(
        ['this server vs', 'highest rate', 'durable msgs/s', 'ack p99 (lower is better)', 'CPU/delivery (lower)', 'memory/conn (lower)'],
        peers.map((p) => [
          p.name,
          ratio(
            med(ours, (r) => r.best?.rate ?? NaN),
            med(p, (r) => r.best?.rate ?? NaN),
          ),
          ratio(
            med(ours, (r) => r.persistedPerSec),
            med(p, (r) => r.persistedPerSec),
          ),
          ratio(
            med(ours, (r) => r.durable.ack.p99),
            med(p, (r) => r.durable.ack.p99),
          ),
          ratio(
            med(ours, (r) => r.cpuPerDeliveryUs),
            med(p, (r) => r.cpuPerDeliveryUs),
          ),
          ratio(memory.get(ours) ?? NaN, memory.get(p) ?? NaN),
        ]),
      ),
  );
  const bestPeer = Math.max(...peers.map((p) => med(p, (r) => r.persistedPerSec)));
  const oursDurable = med(ours, (r) => r.persistedPerSec);
  const oursP99 = med(ours, (r) => r.durable.ack.p99);
  const met = oursDurable >= 2 * bestPeer && oursP99 <= 100;
  console.log(
    `\nTarget: durable sends >= 2x the best peer (${fmtInt(bestPeer)}/s) with ack p99 <= 100 ms: ${fmtInt(oursDurable)}/s (${fmt(oursDurable / bestPeer, 2)}x), p99 ${fmt(oursP99, 1)} ms -> ${met ? 'MET' : 'MISSED'}`,
  );
}
