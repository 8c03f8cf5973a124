import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

// Server settings an administrator changes at run time (every node reads them from here), and invite codes.
// The 'first_admin' row is the race-safe claim of "the first account becomes administrator": its primary key lets
// exactly one registration insert it. A server that already has accounts gets the row now, so an upgrade never
// promotes whoever registers next.
export const migration: Migration = {
  name: '20261130000710_settings_invites',
  async up(knex: Knex) {
    await knex.schema.createTable('settings', (t) => {
      tableDefaults(knex, t);
      t.string('key', 64).primary();
      t.string('value', 1000).notNullable();
      time(t, 'updated_at').notNullable();
    });
    const any = await knex('users').first('id');
    if (any) await knex('settings').insert({ key: 'first_admin', value: 'preexisting', updated_at: new Date() });
    await knex.schema.createTable('invites', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      t.string('code', 64).notNullable().unique('invites_code_unique');
      t.integer('created_by').unsigned().nullable().references('id').inTable('users').onDelete('SET NULL');
      time(t, 'expires_at').nullable();
      t.integer('max_uses').nullable();
      t.integer('uses').notNullable().defaultTo(0);
      // JSON array of room ids the new account joins; '[]' for none.
      t.string('room_ids', 1000).notNullable().defaultTo('[]');
      time(t, 'revoked_at').nullable();
      time(t, 'created_at').notNullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('invites');
    await knex.schema.dropTable('settings');
  },
};
