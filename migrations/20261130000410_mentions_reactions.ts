import type { Knex } from 'knex';
import { isMysql, tableDefaults, time, type Migration } from './helpers.js';

// Mentions and reactions are queried (unread mentions per room, who reacted), so they are tables, not JSON.
export const migration: Migration = {
  name: '20261130000410_mentions_reactions',
  async up(knex: Knex) {
    await knex.schema.createTable('message_mentions', (t) => {
      tableDefaults(knex, t);
      t.bigInteger('message_id').unsigned().notNullable().references('id').inTable('messages').onDelete('CASCADE');
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      // Copies of the message's room and seq, so "unread mentions per room" reads this index alone.
      t.integer('room_id').unsigned().notNullable();
      t.bigInteger('seq').unsigned().notNullable();
      t.primary(['message_id', 'user_id']);
      t.index(['user_id', 'room_id', 'seq'], 'message_mentions_user_room_seq_index');
    });
    await knex.schema.createTable('message_reactions', (t) => {
      tableDefaults(knex, t);
      // The id orders reactions by first use.
      t.bigIncrements('id').primary();
      t.bigInteger('message_id').unsigned().notNullable().references('id').inTable('messages').onDelete('CASCADE');
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      // Binary collation on MySQL: utf8mb4_unicode_ci weighs many emoji as equal (every 👍 skin tone would collide).
      if (isMysql(knex)) t.specificType('emoji', 'varchar(32) character set utf8mb4 collate utf8mb4_bin').notNullable();
      else t.string('emoji', 32).notNullable();
      time(t, 'created_at').notNullable();
      t.unique(['message_id', 'emoji', 'user_id'], { indexName: 'message_reactions_unique' });
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('message_reactions');
    await knex.schema.dropTable('message_mentions');
  },
};
