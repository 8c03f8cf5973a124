// A transient database failure while a socket is being set up is not a revocation: the server answers the retryable
// SERVICE_UNAVAILABLE and the client reconnects with backoff, still signed in. MariaDB: another connection holds a
// lock on room_members (the set-up's membership read waits on it past SOCKET_SETUP_TIMEOUT_MS). SQLite, whose readers
// never wait on a writer: the table is briefly missing, a database error in the same place.
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeClient, type ConnectionState } from '../../client/realtime.js';
import { mysqlConnection } from '../db/knex.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { collect, connectSocket, once, tokenSource, waitFor } from '../test/sockets.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ SOCKET_SETUP_TIMEOUT_MS: '800' });
});
afterAll(async () => {
  await t?.close();
});

/** Makes the membership read of a socket set-up fail until release() is called. */
async function breakSetup(): Promise<() => Promise<void>> {
  const undo = await applyFault();
  let released: Promise<void> | undefined;
  return () => (released ??= undo());
}

async function applyFault(): Promise<() => Promise<void>> {
  // One connection of our own (pool of one), so the lock and its release happen on the same session.
  const db = t.config.databaseUrl
    ? knexFactory({ client: 'mysql2', connection: mysqlConnection(t.config.databaseUrl), pool: { min: 1, max: 1 } })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(t.config.dataDir, 'messenger.sqlite') },
        useNullAsDefault: true,
        pool: { min: 1, max: 1 },
      });
  if (t.config.databaseUrl) {
    await db.raw('LOCK TABLES room_members WRITE');
    return async () => {
      await db.raw('UNLOCK TABLES');
      await db.destroy();
    };
  }
  await db.raw('PRAGMA busy_timeout = 5000');
  await db.raw('ALTER TABLE room_members RENAME TO room_members_away');
  return async () => {
    await db.raw('ALTER TABLE room_members_away RENAME TO room_members');
    await db.destroy();
  };
}

describe('a fault during socket set-up', () => {
  it('answers SERVICE_UNAVAILABLE (not session:revoked), and the client reconnects without being signed out', async () => {
    const u = await t.register();
    const release = await breakSetup();
    let client: RealtimeClient | undefined;
    try {
      const raw = connectSocket(t.url, u.accessToken);
      const revoked = collect(raw, 'session:revoked');
      const interrupted = once(raw, 'session:interrupted', 15_000);
      const disconnected = new Promise<void>((resolve) => raw.once('disconnect', () => resolve()));
      expect(await interrupted).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      // The disconnect follows the interruption: the sentinel that nothing else (a revocation) was coming.
      await disconnected;
      expect(revoked).toEqual([]);
      raw.close();

      client = new RealtimeClient({
        serverUrl: t.url,
        getAccessToken: tokenSource(t.url, u),
        socketOptions: { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 },
      });
      const states: ConnectionState[] = [];
      const ended: string[] = [];
      client.on('state', (s) => states.push(s));
      client.on('session:ended', (e) => ended.push(e.code));
      client.connect();
      await waitFor(() => states.includes('reconnecting'), 15_000, 'the client to retry');
      await release();
      await waitFor(() => client!.state === 'online', 20_000, 'the client back online');
      expect(ended).toEqual([]);
    } finally {
      client?.close();
      await release().catch(() => undefined);
    }
  }, 60_000);
});
