// The search text rules shared by server and clients: what a query asks for and where it matched, in code points.
import { describe, expect, it } from 'vitest';
import { highlights, parseQuery, pieces, splitByRanges } from './search.js';

describe('search text rules', () => {
  it('splits words (folded) from CJK runs, with code point offsets', () => {
    expect(pieces('Café 北京开会, ＡＢ')).toEqual([
      { kind: 'word', text: 'cafe', start: 0, end: 4 },
      { kind: 'cjk', text: '北京开会', start: 5, end: 9 },
      { kind: 'word', text: 'ab', start: 11, end: 13 },
    ]);
  });

  it('reads a query as plain text: operators are punctuation, one-letter words are dropped', () => {
    expect(parseQuery('"Deploy*" -a +北京 (OR)')).toEqual({ words: ['deploy', 'or'], cjk: ['北京'] });
    expect(parseQuery('* - + " ( ) a')).toEqual({ words: [], cjk: [] });
  });

  it('marks whole words that start with a query word and every CJK occurrence, merged and sorted', () => {
    const body = '😀 Deployment at 北京; 北京北京 deploy';
    const ranges = highlights(body, parseQuery('depl 北京'));
    expect(
      splitByRanges(body, ranges)
        .filter((p) => p.hit)
        .map((p) => p.text),
    ).toEqual(['Deployment', '北京', '北京北京', 'deploy']);
    // Offsets count the emoji as one character.
    expect(ranges[0]).toEqual({ start: 2, end: 12 });
  });
});
