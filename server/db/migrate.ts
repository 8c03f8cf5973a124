// Runs the migrations of migrations/ (listed in code, so they work from TypeScript sources and from the build).
import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';

const source: Knex.MigrationSource<(typeof migrations)[number]> = {
  getMigrations: () => Promise.resolve(migrations),
  getMigrationName: (m) => m.name,
  getMigration: (m) => Promise.resolve(m),
};

const config: Knex.MigratorConfig = { migrationSource: source, tableName: 'knex_migrations' };

/** Another replica holds the lock, or created knex's own tables a moment before us: wait and try again. */
function isRace(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  return (
    err.name === 'MigrationLocked' ||
    /already locked/i.test(err.message) ||
    code === 'ER_TABLE_EXISTS_ERROR' ||
    code === 'ER_DUP_ENTRY' ||
    // SQLite (two processes on one file): "table `knex_migrations` already exists"
    (code === 'SQLITE_ERROR' && /already exists/i.test(err.message))
  );
}

/**
 * knex inserts its lock row after seeing the lock table empty, so two replicas starting together can both insert
 * one; with two rows the lock can never be taken (knex wants exactly one row updated) and every replica reports
 * "already locked" until it gives up. No one can hold the lock while there are two rows, so dropping the extras is safe.
 */
async function repairLockTable(knex: Knex): Promise<void> {
  try {
    const rows = (await knex('knex_migrations_lock').select('index').orderBy('index')) as { index: number }[];
    if (rows.length > 1) await knex('knex_migrations_lock').where('index', '>', rows[0]!.index).delete();
  } catch {
    // not created yet
  }
}

/** Applies pending migrations. Two replicas starting at once: one migrates, the other waits for the lock. */
export async function migrateLatest(knex: Knex, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
      return applied;
    } catch (err) {
      if (!isRace(err) || Date.now() > deadline) throw err;
      await repairLockTable(knex);
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
  }
}

export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback(config, true);
}

export async function migrationStatus(knex: Knex): Promise<{ done: string[]; pending: string[] }> {
  const [done, pending] = (await knex.migrate.list(config)) as [{ name: string }[], { name: string }[]];
  return { done: done.map((m) => m.name), pending: pending.map((m) => (typeof m === 'string' ? m : m.name)) };
}
