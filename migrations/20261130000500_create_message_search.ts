import type { Knex } from 'knex';
import { indexText } from '../server/search/terms.js';
import { isMysql, tableDefaults, type Migration } from './helpers.js';

// The search index (server/search/): the terms of every searchable message in `message_search`, with a FULLTEXT
// index on MySQL/MariaDB and an FTS5 external-content table (kept in step by triggers) on SQLite. Existing messages
// are indexed here, before the full-text index is built, which is faster than growing it row by row.
const BATCH = 1000;
/** Rows per INSERT: knex writes a multi-row insert on SQLite as a compound SELECT, which SQLite caps at 500 terms. */
const INSERT_ROWS = 400;

async function backfill(knex: Knex): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await knex('messages')
      .where('id', '>', after)
      .whereNull('deleted_at')
      .whereNot('kind', 'system')
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'body')) as { id: number; body: string }[];
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1]!.id);
    const values = rows.map((r) => ({ message_id: r.id, terms: indexText(r.body) })).filter((v) => v.terms !== '');
    for (let i = 0; i < values.length; i += INSERT_ROWS) await knex('message_search').insert(values.slice(i, i + INSERT_ROWS));
  }
}

export const migration: Migration = {
  name: '20261130000500_create_message_search',
  async up(knex: Knex) {
    if (isMysql(knex)) {
      await knex.schema.createTable('message_search', (t) => {
        tableDefaults(knex, t);
        t.bigInteger('message_id').unsigned().primary().references('id').inTable('messages').onDelete('CASCADE');
        t.text('terms', 'mediumtext').notNullable();
      });
      await backfill(knex);
      await knex.raw('ALTER TABLE message_search ADD FULLTEXT INDEX message_search_terms_fulltext (terms)');
      return;
    }
    // INTEGER PRIMARY KEY makes message_id the rowid, which FTS5 reads the content by.
    await knex.raw(
      'CREATE TABLE message_search (message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, terms TEXT NOT NULL)',
    );
    await backfill(knex);
    await knex.raw(
      "CREATE VIRTUAL TABLE message_search_fts USING fts5(terms, content='message_search', content_rowid='message_id', tokenize='ascii', prefix='3')",
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
    await knex.schema.dropTableIfExists('message_search');
  },
};
