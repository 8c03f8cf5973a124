// Admission control (docs/PROTOCOL.md "Sessions and operations"): with more socket set-ups arriving at once than
// SOCKET_SETUP_CONCURRENCY + SOCKET_SETUP_QUEUE, the excess is answered at once with the retryable
// connect_error SERVICE_UNAVAILABLE carrying retryAfterMs, and the real client waits that long (jittered) before it
// tries again, stays signed in, and gets its session:ready. Here one set-up at a time, no queue and one database
// connection, which the test holds in an open transaction (a stalled database): the first handshake of a burst takes
// the slot and waits for the database, and every other one is refused until the test lets the database go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../client/realtime.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { connectSocket, tokenSource, waitFor } from '../test/sockets.js';

let t: TestServer;
let users: TestUser[];
const BURST = 20;

beforeAll(async () => {
  // A long set-up timeout: on a loaded machine the stalled set-up must not give up before the test releases it.
  t = await startTestServer({ SOCKET_SETUP_CONCURRENCY: '1', SOCKET_SETUP_QUEUE: '0', DB_POOL_MAX: '1', SOCKET_SETUP_TIMEOUT_MS: '60000' });
  users = [];
  for (let i = 0; i < BURST; i++) users.push(await t.register());
}, 60_000);
afterAll(async () => {
  await t?.close();
});

type Outcome = { ready: true } | { ready: false; message: string; data: unknown };

/** Takes the server's only database connection until the returned function is called. */
async function stallDatabase(): Promise<() => Promise<void>> {
  const trx = await t.server.knex.transaction();
  let done: Promise<void> | undefined;
  return () => (done ??= trx.commit().then(() => undefined));
}

describe('admission control of socket set-ups', () => {
  it('refuses the excess of a burst with SERVICE_UNAVAILABLE and a retryAfterMs hint, admits the rest', async () => {
    const release = await stallDatabase();
    const sockets = users.map((u) => connectSocket(t.url, u.accessToken));
    try {
      const outcomes: Outcome[] = [];
      for (const s of sockets) {
        s.once('session:ready', () => outcomes.push({ ready: true }));
        s.once('connect_error', (err: Error & { data?: unknown }) => outcomes.push({ ready: false, message: err.message, data: err.data }));
      }
      // Every handshake but the one holding the slot is answered while the database is still stalled.
      await waitFor(() => outcomes.length === BURST - 1, 20_000, 'the refusals');
      expect(outcomes.every((o) => !o.ready)).toBe(true);
      await release();
      await waitFor(() => outcomes.length === BURST, 20_000, 'the admitted socket ready');
      const refused = outcomes.filter((o): o is Extract<Outcome, { ready: false }> => !o.ready);
      expect(refused).toHaveLength(BURST - 1);
      for (const r of refused) {
        expect(r.message).toBe('SERVICE_UNAVAILABLE');
        expect(r.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterMs: expect.any(Number) as number });
        const hint = (r.data as { retryAfterMs: number }).retryAfterMs;
        expect(hint).toBeGreaterThanOrEqual(250);
        expect(hint).toBeLessThanOrEqual(30_000);
      }
    } finally {
      await release();
      for (const s of sockets) s.close();
    }
  }, 60_000);

  it('the client waits out the hint with jitter, then connects; nobody is signed out', async () => {
    const clients = users.map(
      (u) =>
        new RealtimeClient({
          serverUrl: t.url,
          getAccessToken: tokenSource(t.url, u),
          socketOptions: { transports: ['websocket'], forceNew: true },
        }),
    );
    const ended: string[] = [];
    // Per client: its last refusal (when, the server's hint, the wait the client chose) and when it became ready.
    const retries = clients.map(() => [] as { at: number; retryAfterMs: number | null; inMs: number }[]);
    const readyAt = clients.map(() => 0);
    clients.forEach((c, i) => {
      c.on('retry', (r) => retries[i]!.push({ at: performance.now(), retryAfterMs: r.retryAfterMs, inMs: r.inMs }));
      c.on('ready', () => {
        readyAt[i] ||= performance.now();
      });
      c.on('session:ended', (e) => ended.push(e.code));
    });
    const release = await stallDatabase();
    try {
      for (const c of clients) c.connect();
      await waitFor(() => retries.filter((r) => r.length > 0).length === BURST - 1, 20_000, 'the refusals');
      await release();
      await waitFor(() => clients.every((c) => c.state === 'online'), 45_000, 'every client online');
      expect(ended).toEqual([]);
      const retried = retries.map((r, i) => ({ r, i })).filter(({ r }) => r.length > 0);
      expect(retried.length).toBe(BURST - 1);
      for (const { r, i } of retried) {
        const first = r[0]!;
        // The first refusal: the server's hint, jittered by ±50%.
        expect(first.retryAfterMs).not.toBeNull();
        expect(first.inMs).toBeGreaterThanOrEqual(Math.floor(first.retryAfterMs! * 0.5));
        expect(first.inMs).toBeLessThanOrEqual(Math.ceil(first.retryAfterMs! * 1.5));
        // And it did wait: ready came no sooner than the chosen wait after its last refusal.
        const last = r[r.length - 1]!;
        expect(readyAt[i]! - last.at).toBeGreaterThanOrEqual(last.inMs - 5);
      }
    } finally {
      await release();
      for (const c of clients) c.close();
    }
  }, 90_000);
});

describe('a handshake waits for a slot up to SOCKET_SETUP_WAIT_MS', () => {
  let q: TestServer;
  let people: TestUser[];
  beforeAll(async () => {
    q = await startTestServer({ SOCKET_SETUP_CONCURRENCY: '1', SOCKET_SETUP_QUEUE: '5', SOCKET_SETUP_WAIT_MS: '3000', DB_POOL_MAX: '1' });
    people = [await q.register(), await q.register()];
  }, 60_000);
  afterAll(async () => {
    await q?.close();
  });

  it('queued behind a stalled set-up, it is refused with the retry hint once its wait is over, not before', async () => {
    const trx = await q.server.knex.transaction();
    const first = connectSocket(q.url, people[0]!.accessToken);
    const second = connectSocket(q.url, people[1]!.accessToken);
    try {
      const start = performance.now();
      const err = await new Promise<Error & { data?: unknown }>((resolve) => second.once('connect_error', resolve));
      // The configured wait (3 s here): longer than the fixed 2 s there was before the setting, shorter than the 10 s default.
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(3000);
      expect(waited).toBeLessThan(9000);
      expect(err.message).toBe('SERVICE_UNAVAILABLE');
      expect(err.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterMs: expect.any(Number) as number });
      await trx.commit();
      await new Promise((resolve) => first.once('session:ready', resolve));
    } finally {
      if (!trx.isCompleted()) await trx.commit();
      first.close();
      second.close();
    }
  }, 30_000);
});
