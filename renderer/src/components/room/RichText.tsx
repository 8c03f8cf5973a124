// A message body as rich text: marked's lexer turns the Markdown into tokens and this file turns the tokens into
// React elements, so nothing is ever written as HTML: raw HTML in a body is shown as the text it is, and React
// escapes every string. The subset is what a chat needs (bold, italic, strike, inline code, code blocks, quotes,
// lists, links); headings, tables, rules and images are shown as the text that was typed. Links open outside the app
// (target=_blank: a new tab in a browser, the OS browser on the desktop through main's window-open handler).
// marked is a separate chunk (15 KB compressed, kept off the first load): loading starts at sign-in, and until it
// is there a body shows as its plain text.
import type { Lexer as LexerType, Token, Tokens } from 'marked';
import { memo, useEffect, useState, type ReactNode } from 'react';
import { MENTION } from '../../../../protocol/mentions.js';

let lexer: typeof LexerType | null = null;
let loading: Promise<void> | null = null;

/** Start fetching the Markdown parser (idempotent); resolves when it is ready. */
export function preloadRichText(): Promise<void> {
  loading ??= import('marked').then(
    (m) => {
      lexer = m.Lexer;
    },
    () => {
      loading = null; // offline at the wrong moment: the next render tries again
    },
  );
  return loading;
}

function useLexer(needed: boolean): typeof LexerType | null {
  const [ready, setReady] = useState(() => lexer); // a class is a function: never hand it to useState as is
  useEffect(() => {
    if (ready || !needed) return;
    let live = true;
    void preloadRichText().then(() => {
      if (live) setReady(() => lexer);
    });
    return () => {
      live = false;
    };
  }, [ready, needed]);
  return ready ?? lexer;
}

/** Schemes a link may use; anything else (javascript:, data:, file:) stays text. */
const SAFE_HREF = /^(https?:|mailto:)/i;
/** Bodies without any of these characters cannot hold Markdown, a link or a mention: skip the lexer. */
const MAYBE_RICH = /[*_~`>#\-+[\]<!|\\@:.\n0-9]/;

export interface MentionContext {
  /** Lowercased usernames that this message mentions (only those are drawn as mentions). */
  names: ReadonlySet<string>;
  /** Lowercased username of the reader: their own mention is drawn stronger. */
  self: string;
}

function withMentions(text: string, key: string, mentions: MentionContext | undefined): ReactNode {
  if (!mentions || mentions.names.size === 0 || !text.includes('@')) return text;
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    const name = m[1]!.toLowerCase();
    if (!mentions.names.has(name)) continue;
    const at = m.index;
    if (at > last) out.push(text.slice(last, at));
    const self = name === mentions.self || name === 'room';
    out.push(
      <span key={`${key}@${at}`} className={`mention${self ? ' mention-self' : ''}`}>
        @{m[1]}
      </span>,
    );
    last = at + 1 + m[1]!.length;
  }
  if (out.length === 0) return text;
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function inline(tokens: Token[] | undefined, key: string, mentions: MentionContext | undefined): ReactNode[] {
  return (tokens ?? []).map((t, i) => inlineToken(t, `${key}.${i}`, mentions));
}

function inlineToken(t: Token, key: string, mentions: MentionContext | undefined): ReactNode {
  switch (t.type) {
    case 'strong':
      return <strong key={key}>{inline((t as Tokens.Strong).tokens, key, mentions)}</strong>;
    case 'em':
      return <em key={key}>{inline((t as Tokens.Em).tokens, key, mentions)}</em>;
    case 'del':
      return <del key={key}>{inline((t as Tokens.Del).tokens, key, mentions)}</del>;
    case 'codespan':
      return <code key={key}>{(t as Tokens.Codespan).text}</code>;
    case 'br':
      return <br key={key} />;
    case 'link': {
      const link = t as Tokens.Link;
      if (!SAFE_HREF.test(link.href)) return <span key={key}>{link.raw}</span>;
      return (
        <a key={key} href={link.href} target="_blank" rel="noopener noreferrer" title={link.href}>
          {inline(link.tokens, key, undefined)}
        </a>
      );
    }
    case 'text': {
      const text = t as Tokens.Text;
      // A list item's text token nests its own inline tokens.
      if (text.tokens) return <span key={key}>{inline(text.tokens, key, mentions)}</span>;
      return <span key={key}>{withMentions(text.text, key, mentions)}</span>;
    }
    case 'escape':
      return <span key={key}>{(t as Tokens.Escape).text}</span>;
    default:
      // html, image and anything new: exactly what was typed.
      return <span key={key}>{t.raw}</span>;
  }
}

function block(t: Token, key: string, mentions: MentionContext | undefined): ReactNode {
  switch (t.type) {
    case 'paragraph':
      return (
        <p key={key} className="md-p">
          {inline((t as Tokens.Paragraph).tokens, key, mentions)}
        </p>
      );
    case 'text': {
      const text = t as Tokens.Text;
      return (
        <p key={key} className="md-p">
          {text.tokens ? inline(text.tokens, key, mentions) : withMentions(text.text, key, mentions)}
        </p>
      );
    }
    case 'code':
      return (
        <pre key={key} className="md-code" tabIndex={0}>
          <code>{(t as Tokens.Code).text}</code>
        </pre>
      );
    case 'blockquote':
      return <blockquote key={key}>{(t as Tokens.Blockquote).tokens.map((c, i) => block(c, `${key}.${i}`, mentions))}</blockquote>;
    case 'list': {
      const list = t as Tokens.List;
      const items = list.items.map((item, i) => (
        <li key={`${key}.${i}`}>{item.tokens.map((c, j) => block(c, `${key}.${i}.${j}`, mentions))}</li>
      ));
      return list.ordered ? (
        <ol key={key} start={typeof list.start === 'number' ? list.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'space':
      return null;
    default:
      // heading, table, hr, html, def: not in the subset; show the text as typed.
      return (
        <p key={key} className="md-p">
          {t.raw.replace(/\n+$/, '')}
        </p>
      );
  }
}

export function renderRichText(lex: typeof LexerType, body: string, mentions?: MentionContext): ReactNode {
  const tokens = lex.lex(body, { gfm: true, breaks: true });
  return tokens.map((t, i) => block(t, `b${i}`, mentions));
}

export const RichText = memo(function RichText({ body, mentions }: { body: string; mentions?: MentionContext }) {
  const rich = MAYBE_RICH.test(body);
  const lex = useLexer(rich);
  return <>{rich && lex ? renderRichText(lex, body, mentions) : body}</>;
});
