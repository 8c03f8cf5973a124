import type { Knex } from 'knex';
import { indexText } from '../server/search/terms.js';
import { isMysql, tableDefaults, type Migration } from './helpers.js';

// The search index (server/search/): the terms of every searchable message in `message_search`; on MySQL/MariaDB
// an inverted index `message_terms` (room_id, term, message_id), on SQLite an FTS5 external-content table kept in
// step by triggers. Existing messages are indexed here, before the index's key is built (MySQL) or the full-text
// index rebuilt (SQLite), which is faster than growing either row by row.
const BATCH = 1000;
/** Rows per INSERT: knex writes a multi-row insert on SQLite as a compound SELECT, which SQLite caps at 500 terms. */
const INSERT_ROWS = 400;

async function backfill(knex: Knex, postings: boolean): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await knex('messages')
      .where('id', '>', after)
      .whereNull('deleted_at')
      .whereNot('kind', 'system')
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'room_id', 'body')) as { id: number; room_id: number; body: string }[];
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.id);
    const values = rows.map((r) => ({ message_id: r.id, terms: indexText(r.body) })).filter((v) => v.terms !== '');
    for (let i = 0; i < values.length; i += INSERT_ROWS) await knex('message_search').insert(values.slice(i, i + INSERT_ROWS));
    if (!postings) continue;
    const roomOf = new Map(rows.map((r) => [r.id, r.room_id]));
    const all = values.flatMap((v) =>
      [...new Set(v.terms.split(' '))].map((term) => ({ room_id: roomOf.get(v.message_id)!, term, message_id: v.message_id })),
    );
    for (let i = 0; i < all.length; i += 5000) await knex('message_terms').insert(all.slice(i, i + 5000));
  }
}

export const migration: Migration = {
  name: '20261130000500_create_message_search',
  async up(knex: Knex) {
    if (isMysql(knex)) {
      // Terms are ASCII (server/search/terms.ts): one byte each, compared as bytes.
      await knex.schema.createTable('message_search', (t) => {
        tableDefaults(knex, t);
        t.bigInteger('message_id').unsigned().primary().references('id').inTable('messages').onDelete('CASCADE');
        t.specificType('terms', 'MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin').notNullable();
      });
      await knex.schema.createTable('message_terms', (t) => {
        tableDefaults(knex, t);
        t.integer('room_id').unsigned().notNullable();
        t.specificType('term', 'VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin').notNullable();
        t.bigInteger('message_id').unsigned().notNullable();
      });
      await backfill(knex, true);
      // Built once over the loaded postings (a sort), instead of row by row in key order.
      await knex.raw('ALTER TABLE message_terms ADD PRIMARY KEY (room_id, term, message_id)');
      return;
    }
    // INTEGER PRIMARY KEY makes message_id the rowid, which FTS5 reads the content by.
    await knex.raw(
      'CREATE TABLE message_search (message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, terms TEXT NOT NULL)',
    );
    await backfill(knex, false);
    await knex.raw(
      "CREATE VIRTUAL TABLE message_search_fts USING fts5(terms, content='message_search', content_rowid='message_id', tokenize='ascii', prefix='3 4 5')",
    );
    await knex.raw("INSERT INTO message_search_fts(message_search_fts) VALUES ('rebuild')");
    await knex.raw(`CREATE TRIGGER message_search_ai AFTER INSERT ON message_search BEGIN
      INSERT INTO message_search_fts(rowid, terms) VALUES (new.message_id, new.terms);
    END`);
    await knex.raw(`CREATE TRIGGER message_search_ad AFTER DELETE ON message_search BEGIN
      INSERT INTO message_search_fts(message_search_fts, rowid, terms) VALUES ('delete', old.message_id, old.terms);
    END`);
    await knex.raw(`CREATE TRIGGER message_search_au AFTER UPDATE ON message_search BEGIN
      INSERT INTO message_search_fts(message_search_fts, rowid, terms) VALUES ('delete', old.message_id, old.terms);
      INSERT INTO message_search_fts(rowid, terms) VALUES (new.message_id, new.terms);
    END`);
  },
  async down(knex: Knex) {
    if (!isMysql(knex)) {
      for (const trigger of ['message_search_ai', 'message_search_ad', 'message_search_au'])
        await knex.raw(`DROP TRIGGER IF EXISTS ${trigger}`);
      await knex.raw('DROP TABLE IF EXISTS message_search_fts');
    }
    await knex.schema.dropTableIfExists('message_terms');
    await knex.schema.dropTableIfExists('message_search');
  },
};
