// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isEmojiOnly } from '../../lib/emoji.js';
import { preloadRichText, RichText } from './RichText.js';

afterEach(cleanup);
beforeAll(() => preloadRichText());

const html = (body: string, mentions?: { names: Set<string>; self: string }) =>
  render(
    <div data-testid="x">
      <RichText body={body} mentions={mentions} />
    </div>,
  ).getByTestId('x');

describe('RichText', () => {
  it('renders the Markdown subset', () => {
    const el = html('**bold** _it_ ~~gone~~ `co<de>`\n\n> said\n\n- one\n- two\n\n1. first\n\n```\nlet x = 1;\n```');
    expect(el.querySelector('strong')?.textContent).toBe('bold');
    expect(el.querySelector('em')?.textContent).toBe('it');
    expect(el.querySelector('del')?.textContent).toBe('gone');
    expect(el.querySelector('p code')?.textContent).toBe('co<de>');
    expect(el.querySelector('blockquote')?.textContent).toBe('said');
    expect([...el.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(el.querySelector('ol li')?.textContent).toBe('first');
    expect(el.querySelector('pre.md-code code')?.textContent).toBe('let x = 1;');
  });

  it('never renders raw HTML: tags show as the text that was typed', () => {
    const el = html('<img src=x onerror="alert(1)"> <b>hi</b>\n\n<script>alert(1)</script>\n\n<div>block</div>');
    expect(el.querySelector('img, b, script, div div')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(el.textContent).toContain('<script>alert(1)</script>');
    expect(el.textContent).toContain('<div>block</div>');
  });

  it('makes web links clickable, opening outside the app, and leaves other schemes as text', () => {
    const el = html('see https://example.com/a?b=1&c=2 or [docs](https://docs.example.com) not [x](javascript:alert(1))');
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1&c=2', 'https://docs.example.com']);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(el.textContent).toContain('[x](javascript:alert(1))');
  });

  it('shows headings and tables as typed (not part of the chat subset)', () => {
    const el = html('# not a title');
    expect(el.querySelector('h1')).toBeNull();
    expect(el.textContent).toBe('# not a title');
  });

  it('marks mentions of members, and the reader’s own more strongly', () => {
    const el = html('hi @ann and @bob, not @carol or a@bob.com', { names: new Set(['ann', 'bob']), self: 'bob' });
    const spans = [...el.querySelectorAll('.mention')];
    expect(spans.map((s) => s.textContent)).toEqual(['@ann', '@bob']);
    expect(spans.map((s) => s.classList.contains('mention-self'))).toEqual([false, true]);
  });

  it('keeps plain text untouched', () => {
    expect(html('just words here').textContent).toBe('just words here');
  });
});

describe('isEmojiOnly', () => {
  it('is true for a few emoji, sequences and flags included', () => {
    expect(isEmojiOnly('🎉')).toBe(true);
    expect(isEmojiOnly(' 👍🏽 🎉 ')).toBe(true);
    expect(isEmojiOnly('👨‍👩‍👧')).toBe(true);
    expect(isEmojiOnly('🇨🇳🇬🇧')).toBe(true);
  });
  it('is false for text, digits, or a long run', () => {
    expect(isEmojiOnly('ok 👍')).toBe(false);
    expect(isEmojiOnly('123')).toBe(false);
    expect(isEmojiOnly('#')).toBe(false);
    expect(isEmojiOnly('')).toBe(false);
    expect(isEmojiOnly('😀'.repeat(9))).toBe(false);
  });
});
