import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

export const migration: Migration = {
  name: '20261123000400_create_room_members',
  async up(knex: Knex) {
    await knex.schema.createTable('room_members', (t) => {
      tableDefaults(knex, t);
      t.integer('room_id').unsigned().notNullable().references('id').inTable('rooms').onDelete('CASCADE');
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('role', 16).notNullable().defaultTo('member');
      t.boolean('muted').notNullable().defaultTo(false);
      t.bigInteger('last_read_seq').unsigned().notNullable().defaultTo(0);
      time(t, 'joined_at').notNullable();
      t.primary(['room_id', 'user_id']);
      t.index(['user_id'], 'room_members_user_id_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('room_members');
  },
};
