// What a search matches, shared by the server (index terms, highlights) and clients (drawing highlights):
// text splits into words (letters and digits of spaced scripts, folded: lower case, accents removed, NFKD) and
// runs of CJK characters (Han, kana, Hangul), which have no spaces and are matched as substrings.
// Offsets are in Unicode code points, like every length in PROTOCOL.md.

export interface Piece {
  kind: 'word' | 'cjk';
  /** Folded text: lower case, no accents; CJK characters as written. */
  text: string;
  /** Code point offsets into the input: [start, end). */
  start: number;
  end: number;
}

export interface Range {
  start: number;
  end: number;
}

/** What a query asks for: word prefixes and CJK substrings, every one required. */
export interface ParsedQuery {
  words: string[];
  cjk: string[];
}

/** Words shorter than this are neither indexed nor searched (too common to narrow anything). */
export const MIN_WORD = 2;
/** Query parts beyond this are ignored: each costs an index lookup. */
export const MAX_QUERY_PARTS = 8;
/** A longer CJK run in a query is cut to this many characters (its phrase would be as many index terms). */
export const MAX_QUERY_CJK = 32;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const WORD_CHAR = /^[\p{L}\p{N}]+$/u;
const MARKS = /\p{M}/gu;

function fold(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return ch.toLowerCase();
  return ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** Splits text into words and CJK runs with their code point offsets. */
export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let current: Piece | undefined;
  let i = 0;
  for (const ch of text) {
    if (CJK.test(ch)) {
      if (current?.kind !== 'cjk') out.push((current = { kind: 'cjk', text: '', start: i, end: i }));
      current.text += ch;
      current.end = i + 1;
    } else {
      const folded = fold(ch);
      if (folded === '' && current?.kind === 'word') {
        current.end = i + 1; // a combining mark inside a word
      } else if (folded !== '' && WORD_CHAR.test(folded)) {
        if (current?.kind !== 'word') out.push((current = { kind: 'word', text: '', start: i, end: i }));
        current.text += folded;
        current.end = i + 1;
      } else {
        current = undefined;
      }
    }
    i++;
  }
  return out;
}

function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Reads a query: words of at least MIN_WORD characters and CJK runs (a single CJK character counts). */
export function parseQuery(q: string): ParsedQuery {
  const words: string[] = [];
  const cjk: string[] = [];
  for (const p of pieces(q)) {
    if (words.length + cjk.length >= MAX_QUERY_PARTS) break;
    if (p.kind === 'cjk') {
      const run = [...p.text].slice(0, MAX_QUERY_CJK).join('');
      if (!cjk.includes(run)) cjk.push(run);
    } else if (length(p.text) >= MIN_WORD && !words.includes(p.text)) {
      words.push(p.text);
    }
  }
  return { words, cjk };
}

/** Where `query` matches `body`: whole words that start with a query word, and each occurrence of a CJK run. Sorted, merged. */
export function highlights(body: string, query: ParsedQuery): Range[] {
  const ranges: Range[] = [];
  for (const p of pieces(body)) {
    if (p.kind === 'word') {
      if (query.words.some((w) => p.text.startsWith(w))) ranges.push({ start: p.start, end: p.end });
      continue;
    }
    const chars = [...p.text];
    for (const run of query.cjk) {
      const needle = [...run];
      for (let at = 0; at + needle.length <= chars.length; at++) {
        if (needle.every((c, k) => chars[at + k] === c)) ranges.push({ start: p.start + at, end: p.start + at + needle.length });
      }
    }
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** Cuts `body` into plain and highlighted parts along code point ranges (for drawing). */
export function splitByRanges(body: string, ranges: readonly Range[]): { text: string; hit: boolean }[] {
  const chars = [...body];
  const parts: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const r of ranges) {
    const start = Math.max(at, Math.min(r.start, chars.length));
    const end = Math.max(start, Math.min(r.end, chars.length));
    if (start > at) parts.push({ text: chars.slice(at, start).join(''), hit: false });
    if (end > start) parts.push({ text: chars.slice(start, end).join(''), hit: true });
    at = end;
  }
  if (at < chars.length) parts.push({ text: chars.slice(at).join(''), hit: false });
  return parts;
}
