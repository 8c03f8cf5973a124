import type { Knex } from 'knex';
import type { Migration } from './helpers.js';

// A server role: 'user' or 'admin'. Administrators manage accounts, registration and invites from the app.
export const migration: Migration = {
  name: '20261130000700_users_role',
  async up(knex: Knex) {
    await knex.schema.alterTable('users', (t) => {
      t.string('role', 16).notNullable().defaultTo('user');
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('users', (t) => {
      t.dropColumn('role');
    });
  },
};
