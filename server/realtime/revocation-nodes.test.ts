// Two server processes sharing one database and a Redis of their own: a revocation made while Redis is down (by the
// admin CLI in its own process, or through the other node) still reaches a socket on the other node within 2 s,
// through each node's periodic database check. Runs on SQLite (one file, two processes) and on MariaDB.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/api.js';
import type { AuthResult } from '../../protocol/types.js';
import { testEnv, uniqueName } from '../test/harness.js';
import { freePort, repoRoot, run, spawnServer, start, type Running, type ServerProcess } from '../test/processes.js';
import { connectReady, once, waitFor, type ClientSocket } from '../test/sockets.js';

const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
let redis: Running | undefined;
let nodes: ServerProcess[] = [];
let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
const sockets: ClientSocket[] = [];

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  const port = await freePort();
  // Our own Redis, so stopping it troubles nobody else.
  redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    env: process.env,
    cwd: repoRoot,
  });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server did not start:\n${redis.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const t = testEnv({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: `rel-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'warn' });
  env = t.env;
  cleanup = t.cleanup;
  // One after the other: the first migrates, the second finds the schema ready.
  nodes.push(await spawnServer(env));
  nodes.push(await spawnServer(env));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
  nodes = [];
  await redis?.kill('SIGKILL');
  await cleanup?.();
});

async function register(node: ServerProcess): Promise<AuthResult & { username: string }> {
  const username = uniqueName('rn');
  const auth = await new ApiClient({ serverUrl: node.url }).register({
    username,
    email: `${username}@example.test`,
    password: 'correct horse battery',
  });
  return { ...auth, username };
}

async function open(node: ServerProcess, auth: AuthResult): Promise<ClientSocket> {
  const { socket } = await connectReady(node.url, auth.accessToken);
  sockets.push(socket);
  return socket;
}

describe('two nodes, Redis down during the change', () => {
  it('logout on node 1 and admin disable-user both reach sockets on node 2 through the database check', async () => {
    const [n1, n2] = nodes as [ServerProcess, ServerProcess];
    const loggingOut = await register(n1);
    const disabled = await register(n1);
    const s1 = await open(n2, loggingOut);
    const s2 = await open(n2, disabled);
    // Sentinel that Redis carries cross-node traffic before it stops: a logout of a third user on node 1 reaches node 2.
    const warmup = await register(n1);
    const s3 = await open(n2, warmup);
    const warm = once(s3, 'session:revoked', 10_000);
    await new ApiClient({ serverUrl: n1.url, getAccessToken: () => Promise.resolve(warmup.accessToken) }).logout(warmup.refreshToken);
    expect(await warm).toMatchObject({ code: 'LOGGED_OUT' });

    await redis!.kill('SIGKILL');

    let at1 = 0;
    const ended1 = once(s1, 'session:revoked', 30_000).then((p) => ((at1 = Date.now()), p));
    await new ApiClient({ serverUrl: n1.url, getAccessToken: () => Promise.resolve(loggingOut.accessToken) }).logout(
      loggingOut.refreshToken,
    );
    const loggedOutAt = Date.now();
    expect(await ended1).toMatchObject({ code: 'LOGGED_OUT' });
    expect(at1 - loggedOutAt).toBeLessThanOrEqual(2000);

    let at2 = 0;
    const ended2 = once(s2, 'session:revoked', 90_000).then((p) => ((at2 = Date.now()), p));
    const res = await run(tsx, [path.join(repoRoot, 'server/cli/admin.ts'), 'disable-user', disabled.username], {
      env: { ...process.env, ...env },
      cwd: repoRoot,
      timeoutMs: 60_000,
    });
    const cliDone = Date.now();
    expect(res.code, res.stderr).toBe(0);
    expect(await ended2).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    expect(at2 - cliDone).toBeLessThanOrEqual(2000);
    await waitFor(() => s2.disconnected, 5000, 'disconnect');
    // Both nodes lived through it (a failed broadcast must not take a node down).
    for (const n of [n1, n2]) {
      expect(n.child.exitCode).toBeNull();
      expect((await fetch(`${n.url}/api/health`)).status).toBeGreaterThan(0);
    }
  }, 120_000);
});
