// Real processes for the tests: the server entry point under tsx (crash, restart, cluster and shutdown tests), the
// production build and its operator commands, and a TCP proxy that can drop connections.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const distMain = path.join(repoRoot, 'dist/server/main.js');
export const distCli = (name: 'admin' | 'migrate') => path.join(repoRoot, `dist/server/cli/${name}.js`);

/** A clean environment: nothing of the developer's (or CI's) own configuration leaks into the child. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' };
  return { ...env, ...extra };
}

let built = false;
/**
 * `npm run build` once per test process (the exact production artefact). OPS_SKIP_BUILD=1 reuses an existing dist/,
 * for quick local runs.
 */
export function buildOnce(): void {
  if (built) return;
  if (process.env['OPS_SKIP_BUILD'] === '1' && existsSync(distMain)) {
    built = true;
    return;
  }
  const res = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (res.status !== 0) throw new Error(`npm run build failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  built = true;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Running {
  child: ChildProcess;
  /** Everything the process printed (the last 1 MB), for assertions and for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` unless the process has already exited; resolves with its exit code. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

const OUTPUT_KEPT = 1_000_000;

export function start(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Running {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString('utf8');
    if (out.length > OUTPUT_KEPT) out = out.slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return (await exited).code;
  };
  return { child, output: () => out, exited, kill };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Polls until GET url answers 200 (or the process dies, or the time is up). */
export async function waitForHealth(url: string, proc: { child: ChildProcess; output(): string }, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`the server exited before it was healthy:\n${proc.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no healthy answer from ${url} within ${timeoutMs} ms:\n${proc.output()}`);
}

export async function stop(proc: Running, timeoutMs = 12_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

export interface ServerProcess extends Running {
  url: string;
  port: number;
}

/** Runs the development entry point (server/main.ts through tsx) on `port` (or a free one) and waits until healthy. */
export async function spawnServer(env: NodeJS.ProcessEnv, port?: number, healthTimeoutMs = 30_000): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  const proc = start(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(p), HOST: '127.0.0.1' },
  });
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitForHealth(`${url}/api/health`, proc, healthTimeoutMs);
  } catch (err) {
    await proc.kill('SIGKILL');
    throw err;
  }
  return { ...proc, url, port: p };
}

/** A TCP proxy whose connections can be cut and whose door can be shut, to simulate a network drop. */
export interface Proxy {
  url: string;
  cut(): void;
  setOpen(open: boolean): void;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number): Promise<Proxy> {
  const conns = new Set<Socket>();
  let open = true;
  const srv = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    conns.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      conns.delete(client);
      conns.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const c of conns) c.destroy();
      conns.clear();
    },
    setOpen: (v) => {
      open = v;
    },
    close: () =>
      new Promise((r) => {
        for (const c of conns) c.destroy();
        srv.close(() => r());
      }),
  };
}

/** A private redis-server (never the shared one) that a test may stop and restart; it always restarts empty. */
export interface RedisProcess {
  url: string;
  port: number;
  /** Kills it at once (SIGKILL), as a crash or a network loss would look to the servers. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and resolves once it answers. */
  start(): Promise<void>;
}

/** One PING over a raw connection: true when it answers PONG. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (d) => done(d.toString('utf8').startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export async function redisServer(port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  let proc: Running | undefined;
  const startIt = async () => {
    proc = start('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      cwd: repoRoot,
      env: baseEnv({}),
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (await redisAnswers(p)) return;
      if (proc.child.exitCode !== null) throw new Error(`redis-server exited:\n${proc.output()}`);
      if (Date.now() > deadline) throw new Error(`redis-server on ${p} did not answer:\n${proc.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await startIt();
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    stop: async () => {
      await proc?.kill('SIGKILL');
    },
    start: startIt,
  };
}

/**
 * The per-test timeout for a test that starts `processes` child processes one after another: a start under tsx, or
 * of the built server, takes several seconds on a loaded machine, so a flat 30 s is not enough for several.
 */
export function spawnTimeout(processes: number): number {
  return 30_000 + processes * 20_000;
}
