// Connections: N (BENCH_CONNECTIONS, default 10,000) authenticated idle sockets from one load process. Server RSS and
// heap per connection (measured inside the server process after a full GC, before and after connecting), then the
// server is killed (SIGKILL) and started again on the same port: time until every socket has reconnected and
// received session:ready (socket.io reconnection, delays 100 ms .. 1 s).
import { machine } from './common.js';
import {
  fmt,
  fmtInt,
  freshDatabase,
  questions,
  quickMode,
  registerUsers,
  serverEnv,
  sleep,
  startLoad,
  startServer,
  stopServer,
  table,
  tempDataDir,
  verdict,
  type ServerMemory,
  type ServerProc,
} from './realtime-common.js';
import type { ReadyResult } from './realtime-load.js';

export interface ConnectionsOptions {
  connections: number;
}

export interface ConnectionsReport {
  n: number;
  registerMs: number;
  connectMs: number;
  /** MariaDB statements per connection while connecting (global counter: approximate). */
  queriesPerConnect: number;
  before: ServerMemory;
  after: ServerMemory;
  /** From SIGKILL to the new server answering /api/health. */
  restartMs: number;
  ready: ReadyResult;
  killAt: number;
  healthyAt: number;
}

export function connectionsOptions(quick = quickMode()): ConnectionsOptions {
  return { connections: Number(process.env['BENCH_CONNECTIONS'] ?? (quick ? 1000 : 10_000)) };
}

function log(msg: string): void {
  process.stderr.write(`[connections] ${msg}\n`);
}

export async function runConnections(o: ConnectionsOptions = connectionsOptions()): Promise<ConnectionsReport> {
  const db = freshDatabase('bench_conn');
  const data = tempDataDir();
  const load = startLoad();
  const env = serverEnv(db, data.dir);
  let server: ServerProc | undefined = await startServer(env);
  const port0 = server.port;
  try {
    log(`registering ${fmtInt(o.connections)} users`);
    let t = performance.now();
    const users = await registerUsers(server.url, o.connections, 'c_', 32);
    const registerMs = performance.now() - t;
    // A fresh server process for the measurement, so garbage left by registration does not hide in the RSS baseline.
    await stopServer(server);
    server = undefined;
    server = await startServer(env, port0);
    await sleep(1000);
    const before = await server.memory();
    const q0 = await questions(db);
    log(`connecting ${fmtInt(o.connections)} sockets`);
    t = performance.now();
    const c = await load.ipc.request({
      cmd: 'connect',
      group: 'idle',
      url: server.url,
      auths: users.map((u) => ({ token: u.token })),
      reconnect: true,
      concurrency: 200,
    });
    const connectMs = performance.now() - t;
    const queriesPerConnect = ((await questions(db)) - q0) / o.connections;
    if (c.failed) throw new Error(`${c.failed} sockets failed: ${c.firstError}`);
    await sleep(2000);
    const after = await server.memory();

    log('killing the server (SIGKILL) and starting it again on the same port');
    await load.ipc.request({ cmd: 'markReady', group: 'idle' });
    const port = server.port;
    const killAt = Date.now();
    await server.kill('SIGKILL');
    server = undefined;
    server = await startServer(env, port);
    const healthyAt = Date.now();
    const ready = await load.ipc.request({ cmd: 'awaitReady', group: 'idle', timeoutMs: 60_000 });
    await load.ipc.request({ cmd: 'close', group: 'idle' });
    return {
      n: o.connections,
      registerMs,
      connectMs,
      queriesPerConnect,
      before,
      after,
      restartMs: healthyAt - killAt,
      ready,
      killAt,
      healthyAt,
    };
  } finally {
    await load.stop().catch(() => undefined);
    if (server) await stopServer(server).catch(() => undefined);
    await db.drop().catch((err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
    data.remove();
  }
}

export function printConnections(r: ConnectionsReport): boolean {
  const kb = (bytes: number) => fmt(bytes / 1024 / r.n, 1);
  const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 1);
  const allBack = r.ready.allAt !== null ? r.ready.allAt - r.killAt : NaN;
  console.log(`\nConnections: ${fmtInt(r.n)} authenticated idle sockets (one user each) from one load process; MariaDB\n`);
  console.log(
    table(
      ['', 'before', 'after', 'per connection'],
      [
        ['server RSS (MB / KB)', mb(r.before.rss), mb(r.after.rss), kb(r.after.rss - r.before.rss)],
        ['server heap used (MB / KB)', mb(r.before.heapUsed), mb(r.after.heapUsed), kb(r.after.heapUsed - r.before.heapUsed)],
        ['server external+buffers (MB / KB)', mb(r.before.external), mb(r.after.external), kb(r.after.external - r.before.external)],
      ],
    ),
  );
  console.log(
    `\nsetup: registered in ${fmt(r.registerMs / 1000, 1)} s; connected in ${fmt(r.connectMs / 1000, 1)} s (${fmtInt((r.n * 1000) / r.connectMs)} sockets/s, 200 in flight), ~${fmt(r.queriesPerConnect, 1)} SQL statements per connection`,
  );
  console.log(
    table(
      ['restart (SIGKILL, same port)', 'ms'],
      [
        ['kill -> new server healthy', fmtInt(r.restartMs)],
        ['kill -> first session:ready', r.ready.firstAt !== null ? fmtInt(r.ready.firstAt - r.killAt) : '-'],
        [
          `kill -> all ${fmtInt(r.n)} back (session:ready)`,
          r.ready.allAt !== null ? fmtInt(allBack) : `only ${fmtInt(r.ready.ready)} back`,
        ],
        ['healthy -> all back', r.ready.allAt !== null ? fmtInt(r.ready.allAt - r.healthyAt) : '-'],
        ['back per second after healthy', r.ready.allAt !== null ? fmtInt((r.n * 1000) / Math.max(1, r.ready.allAt - r.healthyAt)) : '-'],
      ],
    ),
  );
  const perConn = (r.after.rss - r.before.rss) / r.n;
  const memMet = perConn <= 50 * 1024;
  const backMet = r.ready.allAt !== null && allBack <= 10_000;
  console.log(`\nTarget: <= 50 KB RSS per connection: ${kb(r.after.rss - r.before.rss)} KB -> ${verdict(memMet)}`);
  console.log(
    `Target: all back within 10 s of the kill: ${r.ready.allAt !== null ? fmt(allBack / 1000, 1) + ' s' : 'not all back'} -> ${verdict(backMet)}`,
  );
  return memMet && backMet;
}

export const description = 'realtime connections: 10,000 idle sockets, server memory per connection, all back after a restart';

export async function run(): Promise<void> {
  console.log(`${machine()}${quickMode() ? ' (quick mode)' : ''}`);
  printConnections(await runConnections());
}
