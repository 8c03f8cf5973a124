import type { Knex } from 'knex';
import { isMysql, tableDefaults, type Migration } from './helpers.js';

// MySQL/MariaDB: the postings of a new message (`message_terms`) are written just after its transaction commits,
// batched across messages (server/search/term-poster.ts), instead of inside the send's transaction. The send's
// transaction writes the message's terms (`message_search`) and a row here; the row goes when its postings are
// written, so whatever a crash left unposted is found again at start-up. SQLite keeps its full-text index in the
// send's transaction (triggers) and has no use for it.
export const migration: Migration = {
  name: '20261201000100_message_terms_pending',
  async up(knex: Knex) {
    if (!isMysql(knex)) return;
    await knex.schema.createTable('message_terms_pending', (t) => {
      tableDefaults(knex, t);
      t.bigInteger('message_id').unsigned().primary();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('message_terms_pending');
  },
};
