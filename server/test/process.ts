// Runs the real server entry point (server/main.ts) as a child process, for crash, restart and cluster tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { freePort } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export { freePort };

export async function waitHealthy(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server at ${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function spawnServer(env: NodeJS.ProcessEnv, port?: number): Promise<ServerProcess> {
  const p = port ?? (await freePort());
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(p), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${p}`;
  try {
    await waitHealthy(url);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${out}`, { cause: err });
  }
  return {
    url,
    port: p,
    child,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
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
  const { connect } = await import('node:net');
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
