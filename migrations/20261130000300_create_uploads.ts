import type { Knex } from 'knex';
import { tableDefaults, time, type Migration } from './helpers.js';

export const migration: Migration = {
  name: '20261130000300_create_uploads',
  async up(knex: Knex) {
    await knex.schema.createTable('uploads', (t) => {
      tableDefaults(knex, t);
      t.bigIncrements('id').primary();
      // The bytes outlive nothing: an account's uploads go with it (the sweeper removes their stored objects).
      t.integer('uploader_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      // "attachment" (sent in a message) or "avatar" (a profile picture, served to any signed-in user).
      t.string('purpose', 16).notNullable().defaultTo('attachment');
      t.string('name', 255).notNullable();
      t.string('mime', 100).notNullable();
      t.bigInteger('size').unsigned().notNullable();
      t.integer('width').unsigned().nullable();
      t.integer('height').unsigned().nullable();
      t.string('storage_key', 100).notNullable();
      t.string('thumb_key', 100).nullable();
      time(t, 'created_at').notNullable();
      // Set once, in the transaction that writes the message; null = not attached yet (only the uploader sees it).
      t.bigInteger('message_id').unsigned().nullable().references('id').inTable('messages').onDelete('SET NULL');
      t.index(['message_id'], 'uploads_message_index');
      // The sweeper's scan for orphans, and a user's quota sum.
      t.index(['uploader_id', 'created_at'], 'uploads_uploader_created_index');
      t.index(['created_at'], 'uploads_created_index');
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('uploads');
  },
};
