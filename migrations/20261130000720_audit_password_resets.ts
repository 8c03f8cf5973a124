import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

// The administrators' audit log (who did what to whom, when, from where) and one-time password-reset links
// (only a SHA-256 of the token is stored, so a database leak does not hand out working links).
export const migration: Migration = {
  name: '20261130000720_audit_password_resets',
  async up(knex: Knex) {
    await knex.schema.createTable('audit_log', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      // Kept when the actor's account is deleted: the log must outlive it. 'cli' actions have no actor.
      t.integer('actor_id').unsigned().nullable();
      t.string('actor_name', 64).notNullable();
      t.string('action', 64).notNullable();
      t.string('target', 191).nullable();
      t.string('ip', 64).nullable();
      t.text('details').nullable();
      time(t, 'created_at').notNullable();
      t.index(['created_at'], 'audit_log_created_at_index');
    });
    await knex.schema.createTable('password_resets', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('token_hash', 64).notNullable().unique('password_resets_token_hash_unique');
      time(t, 'expires_at').notNullable();
      time(t, 'used_at').nullable();
      time(t, 'created_at').notNullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('password_resets');
    await knex.schema.dropTable('audit_log');
  },
};
