import { format } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { mysqlConnection } from './knex.js';

describe('mysqlConnection queryFormat', () => {
  const config = mysqlConnection('mysql://u:p@127.0.0.1:3306/db');
  const queryFormat = config.queryFormat as (this: unknown, sql: string, values: unknown, timezone?: string) => string;
  const connection = { config: { stringifyObjects: false } };

  it('formats values exactly as mysql2 does without it', () => {
    const cases: [string, unknown[]][] = [
      ['SELECT * FROM ?? WHERE a = ? AND b IN (?)', ['messages', "it's \\ a 'quote'", [1, 2, 'x']]],
      ['INSERT INTO t (a, b, c) VALUES (?, ?, ?)', [null, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), Buffer.from('hi')]],
      ["SELECT '?' AS q, ? AS v", ['after a literal']],
      ['UPDATE t SET ? WHERE id = ?', [{ a: 1, b: 'two' }, 7]],
    ];
    for (const [sql, values] of cases) {
      expect(queryFormat.call(connection, sql, values, 'Z')).toBe(format(sql, values as never, false, 'Z'));
    }
  });

  it('sends a statement without values as written', () => {
    const sql = "INSERT INTO message_search (message_id, terms) VALUES (1,'a b'),(2,'what?')";
    expect(queryFormat.call(connection, sql, [], 'Z')).toBe(sql);
    expect(queryFormat.call(connection, sql, undefined, 'Z')).toBe(sql);
    expect(format(sql, [], false, 'Z')).toBe(sql);
  });
});
