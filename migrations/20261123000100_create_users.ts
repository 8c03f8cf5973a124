import type { Knex } from 'knex';
import { ciString, tableDefaults, time, type Migration } from './helpers.js';

export const migration: Migration = {
  name: '20261123000100_create_users',
  async up(knex: Knex) {
    await knex.schema.createTable('users', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      ciString(knex, t, 'username', 32).notNullable().unique('users_username_unique');
      ciString(knex, t, 'email', 191).notNullable().unique('users_email_unique');
      t.string('password_hash', 100).notNullable();
      t.string('display_name', 191).notNullable();
      t.string('avatar_url', 500).nullable();
      t.string('status', 16).notNullable().defaultTo('active');
      time(t, 'last_seen_at').nullable();
      time(t, 'created_at').notNullable();
      time(t, 'updated_at').notNullable();
      t.index(['display_name'], 'users_display_name_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('users');
  },
};
