import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

// Email verification (issue 14): when an account confirmed its current address, and the links that confirm one
// (only a SHA-256 of the token is stored; the address it was sent to is kept so a link made for an old address
// cannot confirm a new one). Login lockouts: wrong passwords per account across every address, with the time the
// account may try again (exponential, bounded); the lock_key is `id:<user>` or `login:<name>` for names that match no one,
// so a stranger cannot tell the two apart by the answers.
export const migration: Migration = {
  name: '20261130000740_email_verification_lockouts',
  async up(knex: Knex) {
    await knex.schema.alterTable('users', (t) => {
      time(t, 'email_verified_at').nullable();
    });
    await knex.schema.createTable('email_verifications', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('email', 191).notNullable();
      t.string('token_hash', 64).notNullable().unique('email_verifications_token_hash_unique');
      time(t, 'expires_at').notNullable();
      time(t, 'used_at').nullable();
      time(t, 'created_at').notNullable();
    });
    await knex.schema.createTable('login_lockouts', (t) => {
      tableDefaults(knex, t);
      t.string('lock_key', 191).primary();
      t.integer('failures').unsigned().notNullable();
      time(t, 'locked_until').nullable();
      time(t, 'updated_at').notNullable();
      t.index(['updated_at'], 'login_lockouts_updated_at_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('login_lockouts');
    await knex.schema.dropTable('email_verifications');
    await knex.schema.alterTable('users', (t) => {
      t.dropColumn('email_verified_at');
    });
  },
};
