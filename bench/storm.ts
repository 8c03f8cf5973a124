// `npm run bench -- storm`: a reconnect storm. N users (BENCH_STORM_CONNECTIONS, default 10,000; 1,000 with
// BENCH_QUICK=1) in rooms of 100, each connected through the real client (client/realtime.ts). First the cold
// connect, profiled inside the server: server CPU per handshake and where it goes. Then `kill -9` of the server and a
// restart on the same port: time until every client has session:ready again, busy refusals (admission control) and
// their retry hints, and how many clients would have shown a login screen (session:ended; must be none).
// BENCH_STORM_SERVER_ENV="SOCKET_SETUP_CONCURRENCY=100000 ..." runs the server with other settings (e.g. no admission
// control); BENCH_STORM_PROFILE=1 profiles the restarted server through the storm too.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machine } from './common.js';
import type { ProfileSummary } from './profile.js';
import type { ProfiledCommand, ProfiledResults } from './profiled-server.js';
import {
  IpcClient,
  compiled,
  fmt,
  fmtInt,
  freshDatabase,
  quickMode,
  serverEnv,
  sleep,
  spawnNode,
  table,
  tempDataDir,
  verdict,
  type NodeChild,
} from './realtime-common.js';
import { seedUsers } from './seed.js';
import type { StormCommand, StormResults } from './storm-load.js';
import { freePort, waitForHealth } from '../server/test/processes.js';

export const description = 'reconnect storm: 10,000 clients back after kill -9 + restart, handshake CPU and where it goes';

const ROOM_SIZE = 100;

function log(msg: string): void {
  process.stderr.write(`[storm] ${msg}\n`);
}

export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export interface Profiled {
  url: string;
  port: number;
  proc: NodeChild;
  ipc: IpcClient<ProfiledCommand, ProfiledResults>;
}

/** The server (bench/profiled-server.ts) in a child process on `port`, healthy. */
export async function startProfiled(env: NodeJS.ProcessEnv, port?: number, extra: Record<string, string> = {}): Promise<Profiled> {
  const p = port ?? (await freePort());
  const proc = spawnNode(await compiled('bench/profiled-server.ts'), { ...env, ...extra, PORT: String(p) });
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitForHealth(`${url}/api/health`, proc, 60_000);
  } catch (err) {
    await proc.kill();
    throw err;
  }
  return { url, port: p, proc, ipc: new IpcClient<ProfiledCommand, ProfiledResults>(proc, 'server') };
}

export async function stopProfiled(s: Profiled): Promise<void> {
  const timer = setTimeout(() => void s.proc.kill('SIGKILL'), 15_000);
  await s.proc.kill('SIGTERM');
  clearTimeout(timer);
}

export async function cpuMs(s: Profiled): Promise<number> {
  const c = await s.ipc.request({ cmd: 'cpu' });
  return c.userMs + c.systemMs;
}

export function printProfile(title: string, p: ProfileSummary, perUnit?: { n: number; unit: string }): void {
  console.log(`\n${title}: ${fmt(p.busyMs / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s sampled`);
  const per = (ms: number) => (perUnit ? fmt((ms * 1000) / perUnit.n, 0) : '');
  console.log(
    table(
      ['area (self time)', 'ms', 'share', perUnit ? `µs per ${perUnit.unit}` : ''],
      p.areas.filter((a) => a.share >= 0.005).map((a) => [a.area, fmtInt(a.ms), `${fmt(a.share * 100, 1)}%`, per(a.ms)]),
    ),
  );
  console.log(
    table(
      ['top functions (self time)', 'ms'],
      p.top.slice(0, 8).map((f) => [f.fn.slice(0, 90), fmtInt(f.ms)]),
    ),
  );
}

/**
 * Connections this machine's kernel turned away because a listening socket's accept queue was full (TcpExt
 * ListenOverflows, machine-wide): each one is a client waiting out TCP's SYN retransmit timeout (1, 3, 7 s...).
 * null where /proc/net/netstat cannot be read.
 */
function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    const i = names.indexOf('ListenOverflows');
    return i > 0 ? Number(values[i]) : null;
  } catch {
    return null;
  }
}

function somaxconn(): number | null {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {
    return null;
  }
}

function parseEnv(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (spec ?? '').split(/\s+/).filter(Boolean)) {
    const [k, ...v] = pair.split('=');
    if (k) out[k] = v.join('=');
  }
  return out;
}

export async function run(): Promise<void> {
  const n = Number(process.env['BENCH_STORM_CONNECTIONS'] ?? (quickMode() ? 1000 : 10_000));
  console.log(`${machine()}; load average ${load()} (machine shared); server and clients in separate processes; MariaDB`);
  const db = freshDatabase('bench_storm');
  const data = tempDataDir();
  const env = serverEnv(db, data.dir, parseEnv(process.env['BENCH_STORM_SERVER_ENV']));
  let server: Profiled | undefined = await startProfiled(env);
  const port = server.port;
  const clients = spawnNode('bench/storm-load.ts', {}, ['--max-old-space-size=4096']);
  const ipc = new IpcClient<StormCommand, StormResults>(clients, 'clients');
  try {
    log(`seeding ${fmtInt(n)} users with a session each, rooms of ${ROOM_SIZE}`);
    const seeded = await seedUsers(server.url, db, String(env['JWT_SECRET']), n, ROOM_SIZE);
    const tokens = seeded.tokens;
    // A fresh process for the measurement, without registration's garbage.
    await stopProfiled(server);
    server = undefined;
    server = await startProfiled(env, port);
    await sleep(1000);

    log(`connecting ${fmtInt(n)} clients (200 at a time), profiled`);
    const loadBefore = load();
    await server.ipc.request({ cmd: 'profileStart' });
    const cpu0 = await cpuMs(server);
    const cold = await ipc.request({ cmd: 'connect', url: server.url, tokens, concurrency: 200 });
    const coldCpu = (await cpuMs(server)) - cpu0;
    const coldProfile = await server.ipc.request({ cmd: 'profileStop' });
    await sleep(2000);

    log('kill -9 of the server, restart on the same port');
    await ipc.request({ cmd: 'mark' });
    const overflows0 = listenOverflows();
    const killAt = Date.now();
    await server.proc.kill('SIGKILL');
    server = undefined;
    const profileStorm = process.env['BENCH_STORM_PROFILE'] === '1';
    server = await startProfiled(env, port, profileStorm ? { BENCH_PROFILE_AT_START: '1' } : {});
    const healthyAt = Date.now();
    const back = await ipc.request({ cmd: 'awaitAll', timeoutMs: 60_000 });
    const stormCpu = await cpuMs(server);
    const overflows1 = listenOverflows();
    const stormProfile = profileStorm ? await server.ipc.request({ cmd: 'profileStop' }) : undefined;
    const loadAfter = load();

    console.log(`\nReconnect storm: ${fmtInt(n)} clients (client/realtime.ts), rooms of ${ROOM_SIZE}, MariaDB`);
    const settings = Object.entries(parseEnv(process.env['BENCH_STORM_SERVER_ENV'])).map(([k, v]) => `${k}=${v}`);
    if (settings.length) console.log(`server settings: ${settings.join(' ')}`);
    console.log(`load average before ${loadBefore}, after ${loadAfter}`);
    const allBack = back.allAt !== null ? back.allAt - killAt : NaN;
    console.log(
      table(
        ['', 'value'],
        [
          ['cold connect: all ready (s)', fmt(cold.ms / 1000, 1)],
          ['cold connect: server CPU per handshake (ms)', fmt(coldCpu / n, 2)],
          ['kill -> restarted server healthy (ms)', fmtInt(healthyAt - killAt)],
          ['kill -> first session:ready (ms)', back.firstAt !== null ? fmtInt(back.firstAt - killAt) : '-'],
          [`kill -> all ${fmtInt(n)} back (ms)`, back.allAt !== null ? fmtInt(allBack) : `only ${fmtInt(back.ready)} back`],
          ['restarted server CPU, start to all back (s)', fmt(stormCpu / 1000, 1)],
          ['busy refusals (SERVICE_UNAVAILABLE + retryAfterMs)', fmtInt(back.refusals)],
          ['clients back on long-polling instead of a WebSocket', fmtInt(back.polling)],
          [
            'connections dropped by a full accept queue (TCP listen overflows)',
            overflows0 !== null && overflows1 !== null ? fmtInt(overflows1 - overflows0) : '-',
          ],
          ['median retry hint (ms)', back.medianHintMs !== null ? fmtInt(back.medianHintMs) : '-'],
          ['clients signed out (session:ended)', fmtInt(back.ended)],
        ],
      ),
    );
    printProfile('Cold connect, server profile', coldProfile, { n, unit: 'handshake' });
    if (stormProfile) printProfile('Storm (restart to all back), server profile', stormProfile, { n, unit: 'handshake' });
    const cap = somaxconn();
    if (cap !== null && cap < n)
      console.log(
        `\nnet.core.somaxconn is ${fmtInt(cap)}, below ${fmtInt(n)} clients: the kernel caps the server's listen backlog there and drops the rest of a wave's SYNs. Raise it (sysctl -w net.core.somaxconn=65535; docker-compose.yml sets it for its containers).`,
      );
    const met = back.allAt !== null && allBack <= 10_000 && back.ended === 0;
    console.log(
      `\nTarget: all ${fmtInt(n)} back within 10 s of kill -9, nobody signed out: ${Number.isFinite(allBack) ? fmt(allBack / 1000, 1) + ' s' : 'not all back'}, ${back.ended} signed out -> ${verdict(met)}`,
    );
    await ipc.request({ cmd: 'close' }).catch(() => undefined);
  } finally {
    clients.child.disconnect();
    await clients.kill('SIGKILL');
    if (server) await stopProfiled(server).catch(() => undefined);
    await db.drop().catch((err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
    data.remove();
  }
}
