import type { Knex } from 'knex';
import type { Migration } from './helpers.js';

// An archived room is read-only for everyone (an administrator archived it, or a direct room's other account was
// deleted). Its history stays readable; sends, edits, recalls and reactions are refused with ROOM_ARCHIVED.
export const migration: Migration = {
  name: '20261130000730_rooms_archived',
  async up(knex: Knex) {
    await knex.schema.alterTable('rooms', (t) => {
      t.boolean('archived').notNullable().defaultTo(false);
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('rooms', (t) => {
      t.dropColumn('archived');
    });
  },
};
