// SQLite: an FTS5 external-content table (`message_search_fts`) over `message_search`, kept in step by triggers,
// so the same transaction that writes a message's terms updates the full-text index.
// The query walks the index newest first (FTS5 reads its doclists in rowid order, backwards with ORDER BY rowid
// DESC) and checks room, sender and recall on each hit by primary key; CROSS JOIN pins that order, so SQLite never
// starts from messages. It stops at `limit` hits.
import type { Knex } from 'knex';
import { MessageSearchTable, scope, type SearchFilter } from './search-index.js';
import type { QueryPart } from './terms.js';

/** FTS5 query syntax. Terms are [a-z0-9] only (terms.ts), so nothing in them needs quoting. */
export function fts5Expression(parts: readonly QueryPart[]): string {
  return parts.map((p) => (p.kind === 'prefix' ? `${p.term}*` : `"${p.terms.join(' ')}"`)).join(' AND ');
}

export class SqliteFts5Search extends MessageSearchTable {
  readonly engine = 'sqlite-fts5';

  private query(filter: SearchFilter): Knex.QueryBuilder {
    const q = this.knex
      .from(this.knex.raw('message_search_fts CROSS JOIN messages AS m ON m.id = message_search_fts.rowid'))
      .whereRaw('message_search_fts MATCH ?', [fts5Expression(filter.parts)])
      .select({ id: 'message_search_fts.rowid' });
    return scope(q, filter, 'message_search_fts.rowid');
  }

  async find(filter: SearchFilter): Promise<number[]> {
    const rows = (await this.query(filter)) as { id: number }[];
    return rows.map((r) => Number(r.id));
  }

  async explain(filter: SearchFilter): Promise<string> {
    const { sql, bindings } = this.query(filter).toSQL();
    const rows = (await this.knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as Knex.RawBinding[])) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }
}
