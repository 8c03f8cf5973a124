import type { Knex } from 'knex';
import type { Migration } from './helpers.js';

// Notification level per membership: all | mentions | none. `muted` stays (older clients read it) and is kept
// equal to notify = 'none' by the code that writes either; existing muted rooms start as 'none'.
export const migration: Migration = {
  name: '20261130000400_room_members_notify',
  async up(knex: Knex) {
    await knex.schema.alterTable('room_members', (t) => {
      t.string('notify', 16).notNullable().defaultTo('all');
    });
    await knex('room_members').where('muted', true).update({ notify: 'none' });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('room_members', (t) => {
      t.dropColumn('notify');
    });
  },
};
