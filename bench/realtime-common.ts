// Shared pieces of the realtime benchmarks (realtime-fanout, realtime-durable, realtime-connections): child
// processes (server, bare Socket.IO server, load) under a raised fd limit, a typed IPC request/reply channel,
// latency histograms, a fresh MariaDB database per run (dropped afterwards), and user/room setup over the REST API.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ApiClient } from '../client/api.js';
import { mysqlConnection } from '../server/db/knex.js';
import { freePort, waitForHealth } from '../server/test/processes.js';
import type { AuthResult } from '../protocol/types.js';
import type { LoadCommand, LoadResults } from './realtime-load.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** MariaDB server for the benchmarks' databases; each run creates `bench_<pid>_<hex>` there and drops it. */
export const BASE_MYSQL_URL = process.env['BENCH_DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306/mysql';

export function quickMode(): boolean {
  return process.env['BENCH_QUICK'] === '1' || process.argv.includes('--quick');
}

export const nowMs = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------- latency ----------

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Fixed 0.05 ms buckets up to 60 s: constant memory and O(1) insert, however many samples. */
export class LatencyHistogram {
  private static readonly STEP = 0.05;
  private readonly counts = new Uint32Array(1_200_001);
  count = 0;
  max = 0;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i = Math.min(this.counts.length - 1, Math.round(v / LatencyHistogram.STEP));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count += 1;
    if (v > this.max) this.max = v;
  }

  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return i * LatencyHistogram.STEP;
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.max };
  }
}

// ---------- formatting ----------

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? 'MET' : 'MISSED';
}

// ---------- child processes ----------

const builds = new Map<string, Promise<string>>();

/**
 * A TypeScript entry point built into one JavaScript file (bench/.build/, packages left to node_modules), so that its
 * process starts as the production server does (`node dist/...`), without tsx's loader: in a reconnect storm the
 * restart's start-up is part of the figure, and through tsx it took some 0.9 s longer (2.4-2.8 s against 1.5-1.9 s
 * to healthy on an idle 2-core machine).
 */
export function compiled(entry: string): Promise<string> {
  let built = builds.get(entry);
  if (!built) {
    // Once per benchmark process: a restart after kill -9 must not wait for a build.
    built = (async () => {
      const { build } = await import('esbuild');
      const outfile = path.join(ROOT, 'bench', '.build', `${path.basename(entry, '.ts')}.mjs`);
      await build({
        entryPoints: [path.join(ROOT, entry)],
        outfile,
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'warning',
      });
      return outfile;
    })();
    builds.set(entry, built);
  }
  return built;
}

/** Raise the soft fd limit as far as allowed (65536 when permitted, else the hard limit), then exec node. */
const ULIMIT_EXEC = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';

export interface NodeChild {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited (kills it with `signal` first if it is still running). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs an entry point in a child node process with an IPC channel: TypeScript through tsx, or JavaScript built by
 * `compiled` as it is (no loader).
 */
export function spawnNode(script: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): NodeChild {
  let out = '';
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn('bash', ['-c', ULIMIT_EXEC, process.execPath, ...nodeArgs, ...loader, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (process.env['BENCH_VERBOSE'] === '1') {
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
  }
  return {
    child,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

interface Envelope {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Request/reply over a child's IPC channel: each request carries an id, the child answers with the same id. */
export class IpcClient<Commands extends { cmd: string }, Results extends Record<Commands['cmd'], unknown>> {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly proc: NodeChild,
    private readonly name: string,
  ) {
    proc.child.on('message', (raw: unknown) => {
      const msg = raw as Partial<Envelope>;
      if (typeof msg.id !== 'number') return;
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(`${this.name}: ${msg.error ?? 'failed'}`));
    });
    proc.child.once('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${this.name} exited (${code ?? signal ?? '?'})\n${proc.output()}`));
      this.waiting.clear();
    });
  }

  request<C extends Commands>(command: C, timeoutMs = 600_000): Promise<Results[C['cmd']]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${command.cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as Results[C['cmd']]);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.child.send({ ...command, id });
    });
  }
}

/** Child side of IpcClient: answers each request with the handler's result (or its error message). */
export function serveIpc<Commands extends { cmd: string }>(handle: (command: Commands) => Promise<unknown>): void {
  process.on('message', (raw: unknown) => {
    const msg = raw as Commands & { id: number };
    handle(msg).then(
      (result) => process.send?.({ id: msg.id, ok: true, result }),
      (err: unknown) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  // The parent went away: never linger.
  process.on('disconnect', () => process.exit(0));
}

// ---------- the messenger server under test ----------

export interface ServerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export type ServerCommand = { cmd: 'memory' } | { cmd: 'stop' };
export interface ServerResults {
  memory: ServerMemory;
  stop: null;
}

export interface BenchDatabase {
  url: string;
  name: string;
  /** A knex on the bench database, for row counts (opened on first use). */
  knex(): Knex;
  drop(): Promise<void>;
}

export function freshDatabase(prefix = 'bench'): BenchDatabase {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_MYSQL_URL);
  url.pathname = '/' + name;
  let k: Knex | undefined;
  return {
    url: url.toString(),
    name,
    knex() {
      k ??= knexFactory({ client: 'mysql2', connection: mysqlConnection(url.toString()), pool: { min: 0, max: 2 } });
      return k;
    },
    async drop() {
      if (k) await k.destroy();
      k = undefined;
      const admin = knexFactory({ client: 'mysql2', connection: { ...mysqlConnection(BASE_MYSQL_URL), database: undefined } });
      try {
        await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

export interface ServerProc {
  url: string;
  port: number;
  proc: NodeChild;
  ipc: IpcClient<ServerCommand, ServerResults>;
  /** Server-process memory after a full GC. */
  memory(): Promise<ServerMemory>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Environment of the server under test: MariaDB, cheap bcrypt, rate limits out of the way, long-lived tokens. */
export function serverEnv(db: BenchDatabase, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789abcdef',
    ACCESS_TOKEN_TTL: '2h',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT: '1000000',
    REGISTER_RATE_LIMIT: '1000000',
    SEND_RATE_BURST: '1000000',
    SEND_RATE_PER_SECOND: '1000000',
    ...extra,
  };
}

/** Starts bench/realtime-server.ts (the real createServer) in a child process on `port` and waits until healthy. */
export async function startServer(env: NodeJS.ProcessEnv, port?: number, nodeArgs: string[] = []): Promise<ServerProc> {
  const p = port ?? (await freePort());
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (written when it stops).
  const extra = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const proc = spawnNode('bench/realtime-server.ts', { ...env, PORT: String(p) }, ['--expose-gc', ...extra, ...nodeArgs]);
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitForHealth(`${url}/api/health`, proc, 60_000);
  } catch (err) {
    await proc.kill();
    throw err;
  }
  const ipc = new IpcClient<ServerCommand, ServerResults>(proc, 'server');
  return {
    url,
    port: p,
    proc,
    ipc,
    memory: () => ipc.request({ cmd: 'memory' }),
    kill: (signal) => proc.kill(signal),
  };
}

/** CPU seconds (user + system) the server process has used so far, from /proc (Linux). */
export function cpuSeconds(server: ServerProc): number {
  const pid = server.proc.child.pid;
  return pid === undefined ? NaN : processCpuSeconds(pid);
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux); NaN when unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The pid of a MariaDB or MySQL server running on this machine (the benchmarks' database), if there is one. */
export function localDatabasePid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Graceful stop (SIGTERM, as in production), SIGKILL after 15 s. */
export async function stopServer(server: ServerProc): Promise<void> {
  const timer = setTimeout(() => void server.kill('SIGKILL'), 15_000);
  await server.kill('SIGTERM');
  clearTimeout(timer);
}

/** MariaDB's global statement counter (all clients: approximate when other work shares the server). */
export async function questions(db: BenchDatabase): Promise<number> {
  const [rows] = (await db.knex().raw("SHOW GLOBAL STATUS LIKE 'Questions'")) as [{ Value: string }[]];
  return Number(rows[0]?.Value ?? NaN);
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'messenger-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------- setup over the REST API ----------

export interface BenchUser {
  id: number;
  username: string;
  token: string;
  api: ApiClient;
}

async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** Registers `count` users through POST /api/auth/register (BCRYPT_ROUNDS=4, register limit raised). */
export async function registerUsers(url: string, count: number, prefix: string, concurrency = 16): Promise<BenchUser[]> {
  const tag = randomBytes(2).toString('hex');
  return pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const name = `${prefix}${tag}_${i}`;
      const anon = new ApiClient({ serverUrl: url });
      const auth: AuthResult = await anon.register({
        username: name,
        email: `${name}@bench.test`,
        password: 'bench password 123',
        displayName: name,
      });
      const token = auth.accessToken;
      return {
        id: auth.user.id,
        username: name,
        token,
        api: new ApiClient({ serverUrl: url, getAccessToken: () => Promise.resolve(token) }),
      };
    },
  );
}

/** A private group room owned by `owner` with `members` (200 at creation, the rest added one by one). */
export async function createRoom(owner: BenchUser, members: readonly BenchUser[], name: string, concurrency = 8): Promise<number> {
  const ids = members.filter((m) => m.id !== owner.id).map((m) => m.id);
  const room = await owner.api.createRoom({ name, visibility: 'private', memberIds: ids.slice(0, 200) });
  await pool(ids.slice(200), concurrency, (userId) => owner.api.addMember(room.id, userId));
  return room.id;
}

export { pool as mapPool };

// ---------- load generator and bare baseline ----------

export interface LoadProc {
  proc: NodeChild;
  ipc: IpcClient<LoadCommand, LoadResults>;
  stop(): Promise<void>;
}

/** The load generator (bench/realtime-load.ts) in its own process. */
export function startLoad(): LoadProc {
  const proc = spawnNode('bench/realtime-load.ts', {}, ['--max-old-space-size=4096']);
  const ipc = new IpcClient<LoadCommand, LoadResults>(proc, 'load');
  return {
    proc,
    ipc,
    async stop() {
      proc.child.disconnect();
      const timer = setTimeout(() => void proc.kill('SIGKILL'), 5000);
      await new Promise<void>((resolve) => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) return resolve();
        proc.child.once('exit', () => resolve());
      });
      clearTimeout(timer);
    },
  };
}

export interface BareProc {
  url: string;
  stop(): Promise<void>;
}

/** The bare Socket.IO broadcast server (bench/realtime-bare-server.ts) in its own process. */
export async function startBare(): Promise<BareProc> {
  const port = await freePort();
  const proc = spawnNode('bench/realtime-bare-server.ts', { PORT: String(port) });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server did not start\n${proc.output()}`)), 30_000);
    proc.child.on('message', (m: unknown) => {
      if ((m as { listening?: unknown }).listening !== undefined) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.child.once('exit', (code) => reject(new Error(`bare server exited (${code})\n${proc.output()}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGKILL') };
}
