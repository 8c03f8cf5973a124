// Nothing lost, nothing doubled, nothing out of order: clients keep sending through the client module while the
// server is killed with SIGKILL and restarted, or while one client's connection is cut and restored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/api.js';
import { RealtimeClient } from '../../client/realtime.js';
import type { AuthResult, Message } from '../../protocol/types.js';
import { testEnv, uniqueName } from '../test/harness.js';
import { freePort, spawnServer, tcpProxy, type ServerProcess } from '../test/processes.js';
import { tokenSource, waitFor } from '../test/sockets.js';

const CLIENTS = 10;
const PER_CLIENT = 200;
const TOTAL = CLIENTS * PER_CLIENT;

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
let port: number;
let server: ServerProcess | undefined;

beforeAll(async () => {
  ({ env, cleanup } = testEnv({ LOG_LEVEL: 'warn' }));
  port = await freePort();
  server = await spawnServer(env, port);
}, 60_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  await cleanup?.();
});

async function setup(url: string) {
  const api = new ApiClient({ serverUrl: url });
  const users: AuthResult[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const name = uniqueName('f');
    users.push(await api.register({ username: name, email: `${name}@example.test`, password: 'correct horse battery' }));
  }
  const owner = new ApiClient({ serverUrl: url, getAccessToken: () => Promise.resolve(users[0]!.accessToken) });
  const room = await owner.createRoom({ name: 'faults', visibility: 'private', memberIds: users.slice(1).map((u) => u.user.id) });
  return { users, room: room.id };
}

interface Observed {
  client: RealtimeClient;
  received: Message[];
}

function startClient(url: string, auth: AuthResult, serverUrlForApi = url): Observed {
  const client = new RealtimeClient({
    serverUrl: serverUrlForApi,
    getAccessToken: tokenSource(url, auth),
    socketOptions: { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 1000 },
    ackTimeoutMs: 3000,
  });
  const received: Message[] = [];
  client.on('message', (m) => received.push(m));
  client.connect();
  return { client, received };
}

/**
 * One more message through the first client, awaited by everyone: any late duplicate of the run was emitted before
 * it, so once it has arrived everywhere the run can be checked without a sleep. It is left out of the check.
 */
async function sentinel(observed: Observed[], room: number): Promise<void> {
  observed[0]!.client.send(room, 'sentinel');
  await waitFor(() => observed.every((o) => o.received.some((m) => m.body === 'sentinel')), 60_000, 'the sentinel everywhere');
  for (const o of observed)
    o.received.splice(
      o.received.findIndex((m) => m.body === 'sentinel'),
      1,
    );
}

function expectComplete(observed: Observed[]): void {
  for (const { received } of observed) {
    expect(received.length).toBe(TOTAL);
    // seq 1 is the room-created system message, from before the clients connected.
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 2));
    expect(new Set(received.map((m) => m.id)).size).toBe(TOTAL);
  }
}

describe('faults', () => {
  it('kill -9 and restart mid-stream: every client ends with every message once, in order', async () => {
    const { users, room } = await setup(server!.url);
    const observed = users.map((u) => startClient(server!.url, u));
    await waitFor(() => observed.every((o) => o.client.state === 'online'), 15_000, 'clients online');
    observed.forEach((o, i) => {
      for (let j = 0; j < PER_CLIENT; j++) o.client.send(room, `client ${i} message ${j}`);
    });
    await waitFor(() => observed[0]!.received.length >= 300, 60_000, 'traffic before the crash');
    const unsent = observed.reduce((n, o) => n + o.client.outbox().length, 0);
    await server!.kill('SIGKILL');
    // The crash really happened mid-stream: most messages were still waiting in the outboxes.
    expect(unsent).toBeGreaterThan(TOTAL / 2);
    await new Promise((r) => setTimeout(r, 300));
    server = await spawnServer(env, port);
    await waitFor(() => observed.every((o) => o.received.length >= TOTAL), 120_000, 'all messages after restart');
    await sentinel(observed, room);
    expectComplete(observed);
    for (const o of observed) {
      expect(o.client.outbox()).toEqual([]);
      o.client.close();
    }
    const api = new ApiClient({ serverUrl: server!.url, getAccessToken: () => Promise.resolve(null) });
    const login = await api.login({ login: users[0]!.user.username, password: 'correct horse battery' });
    const authed = new ApiClient({ serverUrl: server!.url, getAccessToken: () => Promise.resolve(login.accessToken) });
    const last = await authed.history(room, { limit: 1 });
    expect(last.messages[0]!.seq).toBe(TOTAL + 2); // the room-created system message, the run, then the sentinel
    const bodies = new Set<string>();
    for (let after = 0; ;) {
      const page = await authed.history(room, { after, limit: 100 });
      for (const m of page.messages) if (m.kind === 'text') bodies.add(m.body);
      if (!page.hasMore) break;
      after = page.messages[page.messages.length - 1]!.seq;
    }
    expect(bodies.size).toBe(TOTAL + 1); // the run and the sentinel
  }, 180_000);

  it("one client's connection cut and restored mid-stream: it still ends with everything once, in order", async () => {
    const { users, room } = await setup(server!.url);
    const proxy = await tcpProxy(server!.port);
    try {
      const observed = users.map((u, i) => (i === 0 ? startClient(proxy.url, u) : startClient(server!.url, u)));
      await waitFor(() => observed.every((o) => o.client.state === 'online'), 15_000, 'clients online');
      observed.forEach((o, i) => {
        for (let j = 0; j < PER_CLIENT; j++) o.client.send(room, `client ${i} message ${j}`);
      });
      await waitFor(() => observed[0]!.received.length >= 200, 60_000, 'traffic before the cut');
      const unsent = observed[0]!.client.outbox().length;
      proxy.setOpen(false);
      proxy.cut();
      expect(unsent).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500));
      proxy.setOpen(true);
      await waitFor(() => observed.every((o) => o.received.length >= TOTAL), 120_000, 'all messages after the cut');
      await sentinel(observed, room);
      expectComplete(observed);
      for (const o of observed) o.client.close();
    } finally {
      await proxy.close();
    }
  }, 180_000);
});
