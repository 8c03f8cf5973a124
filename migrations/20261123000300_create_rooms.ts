import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

export const migration: Migration = {
  name: '20261123000300_create_rooms',
  async up(knex: Knex) {
    await knex.schema.createTable('rooms', (t) => {
      tableDefaults(knex, t);
      t.increments('id').primary();
      t.string('kind', 16).notNullable();
      t.string('name', 191).notNullable();
      t.text('description').notNullable();
      t.string('visibility', 16).notNullable();
      t.integer('created_by').unsigned().nullable().references('id').inTable('users').onDelete('SET NULL');
      // "minId:maxId" for direct rooms; NULL (never unique-checked) for group rooms.
      t.string('direct_key', 64).nullable().unique('rooms_direct_key_unique');
      t.bigInteger('last_seq').unsigned().notNullable().defaultTo(0);
      time(t, 'created_at').notNullable();
      time(t, 'updated_at').notNullable();
      time(t, 'deleted_at').nullable();
      t.index(['visibility', 'kind', 'name'], 'rooms_directory_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('rooms');
  },
};
