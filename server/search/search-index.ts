// One search interface, one implementation per database (sqlite-fts5.ts, mysql-terms.ts). Both keep the
// terms of each searchable message (terms.ts) in `message_search`, written by the transaction that writes, edits or
// recalls the message; they differ in how they query it. SQLite's full-text index follows in that transaction; MySQL's
// postings of a new message follow just after its commit (term-poster.ts), and a search first waits for this process's
// to be written, so a search sees what was committed before it.
import type { Knex } from 'knex';
import { dialectOf } from '../db/knex.js';
import { indexText, type QueryPart } from './terms.js';

export interface SearchFilter {
  parts: QueryPart[];
  /** Rooms to look in (the caller's live rooms, or the one asked for). Never empty. */
  roomIds: readonly number[];
  senderId?: number | undefined;
  /** Only messages with a smaller id (paging on, newest first). */
  before?: number | undefined;
  limit: number;
}

/** What the index needs of a message just written. */
export interface IndexedRow {
  id: number;
  room_id: number;
  kind: string;
  body: string;
}

export interface SearchIndex {
  /** Which implementation answers (logged at start-up). */
  readonly engine: string;
  /** Indexes messages just inserted, inside the transaction that inserts them. */
  add(trx: Knex.Transaction, rows: readonly IndexedRow[]): Promise<void>;
  /** Re-indexes an edited message inside the transaction that edits it. */
  update(trx: Knex.Transaction, id: number, body: string): Promise<void>;
  /** Forgets a recalled message inside the transaction that recalls it. */
  remove(trx: Knex.Transaction, id: number): Promise<void>;
  /** Starts what the index does in the background (MySQL: posting terms after commit, sweeping leftovers). */
  start(): Promise<void>;
  /** Resolves once what this process has committed is searchable (read-your-writes for the next search). */
  settle(): Promise<void>;
  /** Stops the background work, finishing what is in flight. */
  close(): Promise<void>;
  /** Ids of live messages that match, newest first. */
  find(filter: SearchFilter): Promise<number[]>;
  /** The database's plan for `find` (tests check that it starts from the index, never a scan of messages). */
  explain(filter: SearchFilter): Promise<string>;
}

/** System messages are the server's own words, not what people search for. */
const searchable = (kind: string) => kind !== 'system';

/** The writing half, the same on every database: rows of `message_search` (message_id, terms). */
export abstract class MessageSearchTable implements SearchIndex {
  abstract readonly engine: string;

  constructor(protected readonly knex: Knex) {}

  async add(trx: Knex.Transaction, rows: readonly IndexedRow[]): Promise<void> {
    const records = this.records(rows);
    if (records.length > 0) await trx('message_search').insert(records.map((r) => ({ message_id: r.id, terms: r.terms })));
  }

  /** The term records of the searchable rows (those with any terms). */
  protected records(rows: readonly IndexedRow[]): { id: number; room_id: number; terms: string }[] {
    return rows
      .filter((r) => searchable(r.kind))
      .map((r) => ({ id: r.id, room_id: r.room_id, terms: indexText(r.body) }))
      .filter((v) => v.terms !== '');
  }

  async update(trx: Knex.Transaction, id: number, body: string): Promise<void> {
    const terms = indexText(body);
    if (terms === '') await this.remove(trx, id);
    else await trx('message_search').insert({ message_id: id, terms }).onConflict('message_id').merge(['terms']);
  }

  async remove(trx: Knex.Transaction, id: number): Promise<void> {
    await trx('message_search').where('message_id', id).delete();
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  abstract find(filter: SearchFilter): Promise<number[]>;
  abstract explain(filter: SearchFilter): Promise<string>;
}

/** Picks the implementation for the database behind `knex` (asked once, at start-up). */
export async function createSearchIndex(knex: Knex): Promise<SearchIndex> {
  if (dialectOf(knex) === 'sqlite') {
    const { SqliteFts5Search } = await import('./sqlite-fts5.js');
    return new SqliteFts5Search(knex);
  }
  const { MysqlTermSearch } = await import('./mysql-terms.js');
  const [rows] = (await knex.raw('SELECT VERSION() AS v')) as [{ v: string }[]];
  return new MysqlTermSearch(knex, /mariadb/i.test(rows[0]?.v ?? '') ? 'mariadb' : 'mysql');
}

/** The caller's part of every query: live (not recalled) messages of the given rooms, optionally one sender's. */
export function scope(q: Knex.QueryBuilder, filter: SearchFilter, idColumn: string): Knex.QueryBuilder {
  q.whereIn('m.room_id', [...filter.roomIds]).whereNull('m.deleted_at');
  if (filter.senderId !== undefined) q.where('m.sender_id', filter.senderId);
  if (filter.before !== undefined) q.where(idColumn, '<', filter.before);
  return q.orderBy(idColumn, 'desc').limit(filter.limit);
}
