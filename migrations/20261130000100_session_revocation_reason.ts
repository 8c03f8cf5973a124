import type { Knex } from 'knex';
import type { Migration } from './helpers.js';

// Why a session ended (LOGGED_OUT, PASSWORD_CHANGED, ACCOUNT_DISABLED, ...), so a refresh or a socket handshake
// that arrives later can tell the client the true reason; and an index on revoked_at, so every node can ask once a
// second "which sessions were revoked since my last look" (the safety net under the pub/sub signal) as a range scan.
export const migration: Migration = {
  name: '20261130000100_session_revocation_reason',
  async up(knex: Knex) {
    await knex.schema.alterTable('sessions', (t) => {
      t.string('revoked_reason', 32).nullable();
      t.index(['revoked_at'], 'sessions_revoked_at_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('sessions', (t) => {
      t.dropIndex(['revoked_at'], 'sessions_revoked_at_index');
      t.dropColumn('revoked_reason');
    });
  },
};
