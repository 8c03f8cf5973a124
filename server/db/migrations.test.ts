// Migrations on a brand-new database: up from empty, idempotent, concurrent start-ups, and back down to empty.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { baseMysqlUrl, dialectName, dropMysqlDatabase } from '../test/harness.js';
import { isUniqueViolation } from '../errors.js';
import { createKnex, ensureMysqlDatabase } from './knex.js';
import { migrateLatest, migrationStatus, rollbackAll } from './migrate.js';

const APP_TABLES = ['message_mentions', 'message_reactions', 'messages', 'room_members', 'rooms', 'sessions', 'users'];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A fresh, empty database of the suite's dialect; each call returns another knex on the same database. */
async function freshDatabase(): Promise<() => Knex> {
  if (baseMysqlUrl) {
    const name = `mt_mig_${process.pid}_${randomBytes(3).toString('hex')}`;
    const url = new URL(baseMysqlUrl);
    url.pathname = '/' + name;
    await ensureMysqlDatabase(url.toString());
    const open: Knex[] = [];
    cleanups.push(async () => {
      for (const k of open) await k.destroy();
      await dropMysqlDatabase(baseMysqlUrl!, name);
    });
    return () => {
      const k = createKnex({ databaseUrl: url.toString(), dataDir: '' });
      open.push(k);
      return k;
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'messenger-mig-'));
  const open: Knex[] = [];
  cleanups.push(async () => {
    for (const k of open) await k.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const k = createKnex({ databaseUrl: undefined, dataDir: dir });
    open.push(k);
    return k;
  };
}

async function tables(knex: Knex): Promise<string[]> {
  if (dialectName === 'mysql') {
    const [rows] = (await knex.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')) as [
      { name: string }[],
    ];
    return rows.map((r) => r.name).sort();
  }
  const rows = (await knex.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) as { name: string }[];
  return rows.map((r) => r.name).sort();
}

describe(`migrations (${dialectName})`, () => {
  it('up from empty, again (nothing to do), down to empty, and up again', async () => {
    const knex = (await freshDatabase())();
    expect(await tables(knex)).toEqual([]);
    const applied = await migrateLatest(knex);
    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(await tables(knex)).toEqual(expect.arrayContaining(APP_TABLES));
    expect(await migrateLatest(knex)).toEqual([]);
    expect(await migrationStatus(knex)).toEqual({ done: migrations.map((m) => m.name), pending: [] });

    await rollbackAll(knex);
    const left = await tables(knex);
    for (const table of APP_TABLES) expect(left).not.toContain(table);
    expect(left.every((name) => name.startsWith('knex_migrations'))).toBe(true);
    expect((await migrationStatus(knex)).done).toEqual([]);

    expect(await migrateLatest(knex)).toHaveLength(migrations.length);
    expect(await tables(knex)).toEqual(expect.arrayContaining(APP_TABLES));
  });

  it('the schema enforces what the code relies on: case-insensitive usernames and emails, one seq per room, one clientId per sender', async () => {
    const knex = (await freshDatabase())();
    await migrateLatest(knex);
    const now = new Date();
    const user = (name: string, email: string) => ({
      username: name,
      email,
      password_hash: 'x',
      display_name: name,
      status: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('users').insert(user('Alice', 'alice@x.test'));
    const dupName = await knex('users')
      .insert(user('alice', 'other@x.test'))
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(isUniqueViolation(dupName)).toBe(true);
    const dupEmail = await knex('users')
      .insert(user('bob', 'ALICE@x.test'))
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(isUniqueViolation(dupEmail)).toBe(true);
    const [userId] = await knex('users').insert(user('carol', 'carol@x.test'));
    const [roomId] = await knex('rooms').insert({
      kind: 'group',
      name: 'r',
      description: '',
      visibility: 'private',
      created_by: userId,
      last_seq: 0,
      created_at: now,
      updated_at: now,
    });
    const message = (seq: number, clientId: string) => ({
      room_id: roomId,
      seq,
      sender_id: userId,
      client_id: clientId,
      kind: 'text',
      body: '😀'.repeat(4000),
      created_at: now,
    });
    await knex('messages').insert(message(1, 'a'));
    expect(
      isUniqueViolation(
        await knex('messages')
          .insert(message(1, 'b'))
          .then(
            () => null,
            (err: unknown) => err,
          ),
      ),
    ).toBe(true);
    expect(
      isUniqueViolation(
        await knex('messages')
          .insert(message(2, 'a'))
          .then(
            () => null,
            (err: unknown) => err,
          ),
      ),
    ).toBe(true);
    const stored = (await knex('messages').first('body')) as { body: string };
    expect(stored.body).toBe('😀'.repeat(4000));
  });

  it('three servers starting at once against an empty database: each migration applied exactly once', async () => {
    const open = await freshDatabase();
    const knexes = [open(), open(), open()];
    const results = await Promise.all(knexes.map((k) => migrateLatest(k)));
    expect(results.flat().sort()).toEqual(migrations.map((m) => m.name).sort());
    const rows = (await knexes[0]!('knex_migrations').select('name')) as { name: string }[];
    expect(rows.map((r) => r.name).sort()).toEqual(migrations.map((m) => m.name).sort());
  });
});

describe('migration lock', () => {
  it('a doubled lock row (two replicas that both created it) does not wedge start-up', async () => {
    const knex = (await freshDatabase())();
    await migrateLatest(knex);
    await rollbackAll(knex);
    await knex('knex_migrations_lock').insert({ is_locked: 0 });
    expect(await migrateLatest(knex, 5_000)).toHaveLength(migrations.length);
  });
});
