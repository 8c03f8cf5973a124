// Knex over MySQL (mysql2) when DATABASE_URL is mysql://..., otherwise embedded SQLite (better-sqlite3) in DATA_DIR.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { format as formatSql, type SqlValue, type Timezone } from 'mysql2';
import { Model } from 'objection';

export type Dialect = 'mysql' | 'sqlite';

export interface DbOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax?: number;
  /** Where knex's own warnings go (pool errors, deprecations); console otherwise. */
  log?: Knex.Logger;
}

interface SqliteConnection {
  pragma(sql: string): unknown;
}

/**
 * mysql2's own query formatting (the same function, with the same arguments), less one wasted walk: given no values,
 * sql-escaper still scans the whole statement for placeholders before it finds nothing to put in them. The search
 * postings go in as statements of up to hundreds of KB written out in full (server/search/term-poster.ts), and that
 * scan was 4% of the server's CPU under the durable-send benchmark.
 */
function queryFormat(this: { config: { stringifyObjects?: boolean } }, sql: string, values: unknown, timezone?: Timezone): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return formatSql(sql, values as SqlValue | SqlValue[], this.config.stringifyObjects, timezone);
}

export function mysqlConnection(databaseUrl: string): Knex.MySql2ConnectionConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
    charset: 'utf8mb4',
    // Dates are written and read as UTC whatever the server's time zone is.
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    connectTimeout: 5000,
    queryFormat,
  };
}

export function createKnex(options: DbOptions): Knex {
  // What both databases share.
  const common = { acquireConnectionTimeout: 10_000, ...(options.log ? { log: options.log } : {}) };
  let knex: Knex;
  if (options.databaseUrl) {
    knex = knexFactory({
      ...common,
      client: 'mysql2',
      connection: mysqlConnection(options.databaseUrl),
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        afterCreate(
          conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
          done: (err: Error | null, conn: unknown) => void,
        ) {
          // Strict mode: refuse (never silently truncate) out-of-range data; UTC for any server-side time.
          conn.query("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'", (err) =>
            done(err, conn),
          );
        },
      },
    });
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    knex = knexFactory({
      ...common,
      client: 'better-sqlite3',
      connection: { filename: path.join(options.dataDir, 'messenger.sqlite') },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
          try {
            conn.pragma('journal_mode = WAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma('busy_timeout = 5000');
            conn.pragma('synchronous = NORMAL');
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
    });
  }
  Model.knex(knex);
  return knex;
}

export function dialectOf(knex: Knex): Dialect {
  const client = (knex.client as { config: { client: unknown } }).config.client;
  return client === 'mysql2' || client === 'mysql' ? 'mysql' : 'sqlite';
}

/** Creates the MySQL database named in DATABASE_URL if it does not exist (used by tests and `npm run migrate -- --create`). */
export async function ensureMysqlDatabase(databaseUrl: string): Promise<void> {
  const conn = mysqlConnection(databaseUrl);
  const admin = knexFactory({ client: 'mysql2', connection: { ...conn, database: undefined } });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [conn.database ?? '']);
  } finally {
    await admin.destroy();
  }
}
