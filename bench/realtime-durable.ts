// Durable sends: 200 clients in 100 rooms (two per room), each sending as fast as its acks allow (send, wait for the
// ack, send the next) for N seconds. Persisted messages/s counted in MariaDB (rows before/after) and ack latency.
import { machine } from './common.js';
import {
  cpuSeconds,
  createRoom,
  fmt,
  fmtInt,
  freshDatabase,
  localDatabasePid,
  mapPool,
  processCpuSeconds,
  questions,
  quickMode,
  registerUsers,
  serverEnv,
  startLoad,
  startServer,
  stopServer,
  table,
  tempDataDir,
  verdict,
  type BenchDatabase,
} from './realtime-common.js';
import type { DurableResult } from './realtime-load.js';

export interface DurableOptions {
  clients: number;
  rooms: number;
  durationMs: number;
  /** Index messages for search as they are written (the default); false measures the send path without it. */
  searchIndex?: boolean;
}

export interface DurableReport {
  options: DurableOptions;
  result: DurableResult;
  rows: number;
  persistedPerSec: number;
  /** MariaDB statements per persisted message (global counter: approximate). */
  queriesPerMessage: number;
  /**
   * With the index: messages whose search postings were still to be written when the load stopped (they follow the
   * commit, server/search/term-poster.ts), and how long after the stop the last was written.
   */
  indexLag: { pendingAtStop: number; caughtUpMs: number } | null;
  /**
   * CPU time per persisted message over the same window, of the server process and of the local MariaDB server (null
   * when it does not run on this machine). Steadier than throughput on a shared machine: it is what a change to the
   * send path moves.
   */
  cpuUsPerMessage: { server: number; database: number | null };
}

export function durableOptions(quick = quickMode()): DurableOptions {
  return { clients: 200, rooms: 100, durationMs: Number(process.env['BENCH_DURABLE_SECONDS'] ?? (quick ? 3 : 10)) * 1000 };
}

function log(msg: string): void {
  process.stderr.write(`[durable] ${msg}\n`);
}

export async function runDurable(o: DurableOptions = durableOptions()): Promise<DurableReport> {
  const db = freshDatabase('bench_durable');
  const data = tempDataDir();
  const load = startLoad();
  // Production configuration (default per-socket budget and DB pool) on MariaDB; only bcrypt and the send limiter
  // (per user, 10/s by default) are out of the way.
  const server = await startServer(serverEnv(db, data.dir, o.searchIndex === false ? { BENCH_SEARCH_INDEX: 'off' } : {}));
  try {
    log(`registering ${o.clients} users, ${o.rooms} rooms`);
    const users = await registerUsers(server.url, o.clients, 'd_');
    const perRoom = Math.ceil(o.clients / o.rooms);
    const roomOf = new Array<number>(o.clients);
    await mapPool(
      Array.from({ length: o.rooms }, (_, i) => i),
      8,
      async (r) => {
        const members = users.slice(r * perRoom, (r + 1) * perRoom);
        const id = await createRoom(members[0]!, members, `durable ${r}`);
        for (let j = 0; j < members.length; j++) roomOf[r * perRoom + j] = id;
      },
    );
    const c = await load.ipc.request({
      cmd: 'connect',
      group: 'durable',
      url: server.url,
      auths: users.map((u) => ({ token: u.token })),
      reconnect: false,
      concurrency: 50,
    });
    if (c.failed) throw new Error(`${c.failed} sockets failed: ${c.firstError}`);
    await load.ipc.request({ cmd: 'durable', group: 'durable', roomIds: roomOf, durationMs: 1500 }); // warm-up
    const count = async () => Number(((await db.knex()('messages').count({ n: '*' }).first()) as { n: number | string }).n);
    const before = await count();
    const q0 = await questions(db);
    const dbPid = localDatabasePid();
    const cpu0 = { server: cpuSeconds(server), database: dbPid === undefined ? NaN : processCpuSeconds(dbPid) };
    log(`sending for ${o.durationMs / 1000} s`);
    const t0 = performance.now();
    const result = await load.ipc.request({ cmd: 'durable', group: 'durable', roomIds: roomOf, durationMs: o.durationMs });
    const elapsed = performance.now() - t0;
    const indexLag = o.searchIndex === false ? null : await waitForPostings(db.knex(), performance.now());
    const rows = (await count()) - before;
    const perMessage = (seconds: number) => (seconds * 1e6) / Math.max(1, rows);
    const cpuUsPerMessage = {
      server: perMessage(cpuSeconds(server) - cpu0.server),
      database: dbPid === undefined ? null : perMessage(processCpuSeconds(dbPid) - cpu0.database),
    };
    const queriesPerMessage = ((await questions(db)) - q0) / Math.max(1, rows);
    await load.ipc.request({ cmd: 'close', group: 'durable' });
    // Counted until the search postings are written too: work left for after the window is not throughput.
    const persistedPerSec = (rows * 1000) / (elapsed + (indexLag?.caughtUpMs ?? 0));
    return { options: o, result, rows, persistedPerSec, queriesPerMessage, indexLag, cpuUsPerMessage };
  } finally {
    await load.stop().catch(() => undefined);
    await stopServer(server).catch(() => undefined);
    await db.drop().catch((err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
    data.remove();
  }
}

/**
 * Polls the pending postings until there are none (at most 60 s). A send's postings follow its commit
 * (server/search/term-poster.ts), so a run that let them fall behind would count as throughput what it left undone:
 * the benchmarks' persisted msgs/s run until they are written.
 */
export async function waitForPostings(
  knex: ReturnType<BenchDatabase['knex']>,
  stoppedAt: number,
): Promise<{ pendingAtStop: number; caughtUpMs: number }> {
  const pendingNow = async () => Number(((await knex('message_terms_pending').count({ n: '*' }).first()) as { n: number | string }).n);
  const pendingAtStop = await pendingNow();
  let left = pendingAtStop;
  while (left > 0 && performance.now() - stoppedAt < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    left = await pendingNow();
  }
  return { pendingAtStop, caughtUpMs: left > 0 ? Infinity : pendingAtStop === 0 ? 0 : performance.now() - stoppedAt };
}

export function printDurable(r: DurableReport): boolean {
  const errors =
    Object.entries(r.result.errors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  console.log(
    `\nDurable sends: ${r.options.clients} clients in ${r.options.rooms} rooms, send -> ack -> next, ${fmt(r.result.elapsedMs / 1000, 1)} s, MariaDB\n`,
  );
  console.log(
    table(
      [
        'rows persisted',
        'persisted msgs/s',
        'SQL stmts/msg',
        'server CPU µs/msg',
        'MariaDB CPU µs/msg',
        'acked',
        'acked msgs/s',
        'ack p50 ms',
        'ack p99 ms',
        'ack max ms',
        'errors',
      ],
      [
        [
          fmtInt(r.rows),
          fmtInt(r.persistedPerSec),
          fmt(r.queriesPerMessage, 1),
          fmtInt(r.cpuUsPerMessage.server),
          r.cpuUsPerMessage.database === null ? '-' : fmtInt(r.cpuUsPerMessage.database),
          fmtInt(r.result.acked),
          fmtInt((r.result.acked * 1000) / r.result.elapsedMs),
          fmt(r.result.ack.p50, 2),
          fmt(r.result.ack.p99, 2),
          fmt(r.result.ack.max, 1),
          errors,
        ],
      ],
    ),
  );
  if (r.indexLag) {
    console.log(
      `\nSearch postings (written after each commit): ${fmtInt(r.indexLag.pendingAtStop)} messages still to post when the load stopped, ` +
        `all posted ${fmt(r.indexLag.caughtUpMs, 0)} ms later (persisted msgs/s counts that time too)`,
    );
  }
  const met = r.persistedPerSec >= 1000;
  console.log(`\nTarget: persisted >= 1,000 msgs/s: ${fmtInt(r.persistedPerSec)}/s -> ${verdict(met)}`);
  return met;
}

export const description = 'realtime durable sends: 200 clients in 100 rooms, ack-paced, persisted msgs/s on MariaDB';

export async function run(): Promise<void> {
  console.log(`${machine()}${quickMode() ? ' (quick mode)' : ''}`);
  printDurable(await runDurable());
}
