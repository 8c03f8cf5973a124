import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

// One row per refresh token. Rotation writes a new row into the same family (family_id = the first row's id,
// which is the session id clients see) and points the spent row at it with replaced_by; presenting a spent
// token revokes the whole family (reuse detection).
export const migration: Migration = {
  name: '20261123000200_create_sessions',
  async up(knex: Knex) {
    await knex.schema.createTable('sessions', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      t.integer('family_id').unsigned().nullable();
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('refresh_token_hash', 64).notNullable().unique('sessions_refresh_token_hash_unique');
      t.string('device_name', 191).nullable();
      time(t, 'created_at').notNullable();
      time(t, 'last_used_at').notNullable();
      time(t, 'expires_at').notNullable();
      time(t, 'revoked_at').nullable();
      t.integer('replaced_by').unsigned().nullable();
      t.index(['user_id'], 'sessions_user_id_index');
      t.index(['family_id'], 'sessions_family_id_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('sessions');
  },
};
