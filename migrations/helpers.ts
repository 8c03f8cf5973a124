// Dialect differences, written out in one place.
import type { Knex } from 'knex';

export function isMysql(knex: Knex): boolean {
  const client = (knex.client as { config: { client: unknown } }).config.client;
  return client === 'mysql2' || client === 'mysql';
}

/** InnoDB, utf8mb4, utf8mb4_unicode_ci on MySQL/MariaDB; nothing to say on SQLite. */
export function tableDefaults(knex: Knex, t: Knex.CreateTableBuilder): void {
  if (isMysql(knex)) {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate('utf8mb4_unicode_ci');
  }
}

/** A string compared case-insensitively: the collation does it on MySQL, NOCASE on SQLite. */
export function ciString(knex: Knex, t: Knex.CreateTableBuilder, name: string, length: number): Knex.ColumnBuilder {
  return isMysql(knex) ? t.string(name, length) : t.specificType(name, `varchar(${length}) collate nocase`);
}

/** DATETIME(3) on MySQL; SQLite keeps the milliseconds since the epoch that knex binds for a Date. */
export function time(t: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return t.datetime(name, { precision: 3 });
}

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
