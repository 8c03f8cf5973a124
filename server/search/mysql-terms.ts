// MySQL 8 and MariaDB: an inverted index of our own, `message_terms` (room_id, term, message_id) as the primary key,
// beside `message_search` (each message's terms in order, the forward record).
// Why not InnoDB FULLTEXT: MariaDB has no ngram parser and MySQL's depends on server settings (ngram_token_size,
// innodb_ft_min_token_size, stopwords) we cannot set; and a FULLTEXT match is computed over every room before the
// membership filter can apply, so a common word costs as much as all its occurrences on the server (measured: a
// Chinese word in 10% of 100,000 messages, 180 ms). Here the key starts with the room, so a search reads only the
// postings of the caller's rooms: one range per room, for an exact term or a prefix (`term LIKE 'qrel%'`).
// Further parts of a query, and the adjacency of CJK bigrams, are checked on the candidate's term record with a
// LIKE over space-separated terms (`' kAB kBC '` appears only where the characters are adjacent, in order).
import type { Knex } from 'knex';
import { MessageSearchTable, type IndexedRow, type SearchFilter } from './search-index.js';
import { insertPostings, insertTermRecords, postingsOf, TermPoster } from './term-poster.js';
import { indexText, type QueryPart } from './terms.js';

/** Up to this many rooms, a search reads each room's newest matches on its own and merges them (see `merged`). */
const PER_ROOM_UNION_MAX = 200;

/** The part that drives the search: an exact term beats a prefix (fewer postings); a longer prefix beats a shorter. */
function driverOf(parts: readonly QueryPart[]): QueryPart {
  const weight = (p: QueryPart) => (p.kind === 'phrase' ? 1000 + p.terms.length : p.term.length);
  return [...parts].sort((a, b) => weight(b) - weight(a))[0]!;
}

/** A LIKE pattern over " <terms> " that holds when the part matches. Terms are [a-z0-9] only: no escaping needed. */
function pattern(part: QueryPart): string {
  return part.kind === 'prefix' ? `% ${part.term}%` : `% ${part.terms.join(' ')} %`;
}

export class MysqlTermSearch extends MessageSearchTable {
  readonly engine: string;

  private readonly poster: TermPoster;

  constructor(knex: Knex, server: 'mariadb' | 'mysql') {
    super(knex);
    this.engine = `${server}-term-index`;
    this.poster = new TermPoster(knex);
  }

  /** The terms, and a pending row; the postings follow the commit (term-poster.ts). */
  override async add(trx: Knex.Transaction, rows: readonly IndexedRow[]): Promise<void> {
    const written = this.records(rows);
    if (written.length === 0) return;
    await insertTermRecords(trx, written);
    trx.executionPromise.then(
      () => this.poster.committed(written),
      () => {}, // rolled back: nothing was written, nothing to post
    );
  }

  override start(): Promise<void> {
    return this.poster.start();
  }

  override settle(): Promise<void> {
    return this.poster.settle();
  }

  override close(): Promise<void> {
    return this.poster.close();
  }

  /**
   * Forgets the postings of a message's current terms. The terms row is read under its lock, as the poster reads it,
   * so an edit or recall and the posting of the same message take their turns.
   */
  private async forget(trx: Knex.Transaction, id: number): Promise<void> {
    const row = (await trx('message_search as s')
      .join('messages as m', 'm.id', 's.message_id')
      .where('s.message_id', id)
      .forUpdate()
      .first('m.room_id', 's.terms')) as { room_id: number; terms: string } | undefined;
    if (!row) return;
    await trx('message_terms')
      .where({ room_id: row.room_id, message_id: id })
      .whereIn('term', [...new Set(row.terms.split(' '))])
      .delete();
  }

  override async update(trx: Knex.Transaction, id: number, body: string): Promise<void> {
    await this.forget(trx, id);
    await super.update(trx, id, body);
    const terms = indexText(body);
    if (terms === '') return;
    const room = (await trx('messages').where('id', id).first('room_id')) as { room_id: number };
    await insertPostings(trx, postingsOf([{ id, room_id: room.room_id, terms }]));
  }

  override async remove(trx: Knex.Transaction, id: number): Promise<void> {
    await this.forget(trx, id);
    await super.remove(trx, id);
  }

  private query(filter: SearchFilter): Knex.QueryBuilder {
    const driver = driverOf(filter.parts);
    const q = this.knex('message_terms as t').whereIn('t.room_id', [...filter.roomIds]);
    if (driver.kind === 'prefix') q.where('t.term', 'like', `${driver.term}%`);
    else q.where('t.term', driver.terms[0]!);
    const checks = filter.parts.filter((p) => p !== driver || (p.kind === 'phrase' && p.terms.length > 1));
    if (checks.length > 0) {
      q.join('message_search as s', 's.message_id', 't.message_id');
      for (const p of checks) q.whereRaw("CONCAT(' ', s.terms, ' ') LIKE ?", [pattern(p)]);
    }
    if (filter.senderId !== undefined) q.join('messages as m', 'm.id', 't.message_id').where('m.sender_id', filter.senderId);
    if (filter.before !== undefined) q.where('t.message_id', '<', filter.before);
    // A prefix can match several terms of one message: one row per message.
    if (driver.kind === 'prefix') q.groupBy('t.message_id');
    return q.orderBy('t.message_id', 'desc').limit(filter.limit).select({ id: 't.message_id' });
  }

  /**
   * One newest-first range read per room, merged: each room's part stops after `limit` matches (a backward walk of
   * the (room_id, term, message_id) key), so a common word costs at most rooms x limit postings instead of sorting
   * every posting of the word in all the caller's rooms. Past PER_ROOM_UNION_MAX rooms the statement itself gets
   * too long to be worth it, and one ranged query over all of them is used.
   */
  private merged(filter: SearchFilter): { sql: string; bindings: readonly Knex.RawBinding[] } {
    if (filter.roomIds.length === 1 || filter.roomIds.length > PER_ROOM_UNION_MAX) {
      const { sql, bindings } = this.query(filter).toSQL();
      return { sql, bindings: bindings as Knex.RawBinding[] };
    }
    const parts = filter.roomIds.map((roomId) => this.query({ ...filter, roomIds: [roomId] }).toSQL());
    return {
      sql: `SELECT id FROM (${parts.map((p) => `(${p.sql})`).join(' UNION ALL ')}) AS per_room ORDER BY id DESC LIMIT ?`,
      bindings: [...parts.flatMap((p) => p.bindings as Knex.RawBinding[]), filter.limit],
    };
  }

  async find(filter: SearchFilter): Promise<number[]> {
    const { sql, bindings } = this.merged(filter);
    const [rows] = (await this.knex.raw(sql, bindings as Knex.RawBinding[])) as [{ id: number }[]];
    return rows.map((r) => Number(r.id));
  }

  async explain(filter: SearchFilter): Promise<string> {
    const { sql, bindings } = this.merged(filter);
    const [rows] = (await this.knex.raw(`EXPLAIN ${sql}`, bindings as Knex.RawBinding[])) as [
      { table: string; type: string; key: string | null; Extra: string | null }[],
    ];
    return rows.map((r) => `${r.table} ${r.type} ${r.key ?? '-'} ${r.Extra ?? ''}`).join('\n');
  }
}
