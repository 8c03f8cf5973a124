// The index's vocabulary, the same on every database: each term is one ASCII token of [a-z0-9] that no full-text
// parser splits, no stopword list contains and no minimum token length (InnoDB's default 3) drops:
//   q<word>            a word of a-z/0-9 (after folding), first 40 characters: "qhello"
//   u<hex6>...         a word with other letters (Cyrillic, Greek, ...), first 13 code points as 6-digit hex each
//   k<hex6><hex6>      two neighbouring CJK characters (overlapping bigrams: 你好世界 -> 你好 好世 世界)
//   k<hex6>            the last CJK character of a run (so every character begins some term)
// A word query is a prefix query on its term (hex is fixed width, so prefixes stay prefixes); a CJK query of n >= 2
// characters is the phrase of its n-1 bigrams (adjacent, in order: exactly the substring); one CJK character is the
// prefix k<hex6>*. Prefixes q and u and k are chosen so that no term is an InnoDB default stopword.
import { MIN_WORD, parseQuery, pieces, type ParsedQuery } from '../../protocol/search.js';

const MAX_ASCII_WORD = 40;
const MAX_OTHER_WORD = 13; // 1 + 13 * 6 = 79 characters, under InnoDB's innodb_ft_max_token_size (84)

/** One part of a search: a term prefix or a phrase of whole terms. */
export type QueryPart = { kind: 'prefix'; term: string } | { kind: 'phrase'; terms: string[] };

function hex(ch: string): string {
  return ch.codePointAt(0)!.toString(16).padStart(6, '0');
}

function wordTerm(word: string): string {
  if (/^[a-z0-9]+$/.test(word)) return 'q' + word.slice(0, MAX_ASCII_WORD);
  return 'u' + [...word].slice(0, MAX_OTHER_WORD).map(hex).join('');
}

function cjkTerms(run: string): string[] {
  const chars = [...run].map(hex);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push('k' + chars[i]! + chars[i + 1]!);
  out.push('k' + chars[chars.length - 1]!);
  return out;
}

/** The index text of a message body: its terms in order, space-separated. Empty when nothing is searchable. */
export function indexText(body: string): string {
  const terms: string[] = [];
  for (const p of pieces(body)) {
    if (p.kind === 'cjk') terms.push(...cjkTerms(p.text));
    else if ([...p.text].length >= MIN_WORD) terms.push(wordTerm(p.text));
  }
  return terms.join(' ');
}

/** The index parts of a parsed query. */
export function queryParts(query: ParsedQuery): QueryPart[] {
  const parts: QueryPart[] = query.words.map((w) => ({ kind: 'prefix', term: wordTerm(w) }));
  for (const run of query.cjk) {
    const chars = [...run];
    if (chars.length === 1) parts.push({ kind: 'prefix', term: 'k' + hex(chars[0]!) });
    else parts.push({ kind: 'phrase', terms: cjkTerms(run).slice(0, -1) });
  }
  return parts;
}

export { parseQuery };
