import type { Knex } from 'knex';
import type { Migration } from './helpers.js';

// System messages (joins, leaves, renames...) carry what happened as JSON: { event, userId, name }; the actor is
// the sender. Never queried, so a column, not a table. Existing rooms and messages are left as they are.
export const migration: Migration = {
  name: '20261130000420_messages_system',
  async up(knex: Knex) {
    await knex.schema.alterTable('messages', (t) => {
      t.json('system').nullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('messages', (t) => {
      t.dropColumn('system');
    });
  },
};
