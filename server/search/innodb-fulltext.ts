// MySQL 8 and MariaDB: an InnoDB FULLTEXT index on `message_search.terms` with the built-in parser. MariaDB has no
// ngram parser, and MySQL's depends on server settings (ngram_token_size) we cannot set, so CJK text arrives here
// already cut into bigram terms (terms.ts) and both servers index the same vocabulary; every term is at least three
// characters and none is a stopword, so innodb_ft_min_token_size (default 3) and the stopword list drop nothing.
// A word query is a boolean-mode prefix (`+qhel*`), a CJK query a phrase of bigrams (`+"k.. k.."`, which InnoDB
// checks against term positions).
import type { Knex } from 'knex';
import { MessageSearchTable, scope, type SearchFilter } from './search-index.js';
import type { QueryPart } from './terms.js';

/** Boolean-mode syntax: every part required. Terms are [a-z0-9] only, so nothing in them is an operator. */
export function booleanExpression(parts: readonly QueryPart[]): string {
  return parts.map((p) => (p.kind === 'prefix' ? `+${p.term}*` : `+"${p.terms.join(' ')}"`)).join(' ');
}

export class InnoDbFulltextSearch extends MessageSearchTable {
  readonly engine: string;

  constructor(knex: Knex, server: 'mariadb' | 'mysql') {
    super(knex);
    this.engine = `${server}-innodb-fulltext`;
  }

  private query(filter: SearchFilter): Knex.QueryBuilder {
    const q = this.knex('message_search as s')
      .join('messages as m', 'm.id', 's.message_id')
      .whereRaw('MATCH (s.terms) AGAINST (? IN BOOLEAN MODE)', [booleanExpression(filter.parts)])
      .select({ id: 's.message_id' });
    return scope(q, filter, 's.message_id');
  }

  async find(filter: SearchFilter): Promise<number[]> {
    const rows = (await this.query(filter)) as { id: number }[];
    return rows.map((r) => Number(r.id));
  }

  async explain(filter: SearchFilter): Promise<string> {
    const { sql, bindings } = this.query(filter).toSQL();
    const [rows] = (await this.knex.raw(`EXPLAIN ${sql}`, bindings as Knex.RawBinding[])) as [
      { table: string; type: string; key: string | null; Extra: string | null }[],
    ];
    return rows.map((r) => `${r.table} ${r.type} ${r.key ?? '-'} ${r.Extra ?? ''}`).join('\n');
  }
}
