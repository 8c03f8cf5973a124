import type { Knex } from 'knex';
import { isMysql, tableDefaults, time, type Migration } from './helpers.js';

export const migration: Migration = {
  name: '20261123000500_create_messages',
  async up(knex: Knex) {
    await knex.schema.createTable('messages', (t) => {
      tableDefaults(knex, t);
      t.bigIncrements('id').primary();
      t.integer('room_id').unsigned().notNullable().references('id').inTable('rooms').onDelete('CASCADE');
      t.bigInteger('seq').unsigned().notNullable();
      t.integer('sender_id').unsigned().nullable().references('id').inTable('users').onDelete('SET NULL');
      t.string('client_id', 64).nullable();
      t.string('kind', 16).notNullable().defaultTo('text');
      // MEDIUMTEXT on MySQL: 4,000 code points of 4-byte UTF-8 do not fit TEXT's 65,535 bytes.
      if (isMysql(knex)) t.text('body', 'mediumtext').notNullable();
      else t.text('body').notNullable();
      t.json('attachment').nullable();
      t.bigInteger('reply_to_id').unsigned().nullable().references('id').inTable('messages').onDelete('SET NULL');
      time(t, 'created_at').notNullable();
      time(t, 'edited_at').nullable();
      time(t, 'deleted_at').nullable();
      // Keyset pagination walks this index; it is also the room's order.
      t.unique(['room_id', 'seq'], { indexName: 'messages_room_seq_unique' });
      // Idempotent sends: a retried clientId finds the first message.
      t.unique(['sender_id', 'client_id'], { indexName: 'messages_sender_client_unique' });
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('messages');
  },
};
