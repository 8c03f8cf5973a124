// The shared schemas refuse what they should, by returning a failure, never by throwing.
import { describe, expect, it } from 'vitest';
import { ServerUrl } from './desktop.js';
import { canonicalEmoji } from './emoji.js';
import { mentionedNames } from './mentions.js';
import { messagePreview } from './preview.js';
import { Emoji, MessageBody, MessageSendSchema, Password, RegisterBody, RoomSettingsBody, SendMessageBody } from './schemas.js';

describe('shared schemas', () => {
  it('ServerUrl refuses text that is not a URL without throwing', () => {
    for (const bad of ['', 'abc', 'ftp://x.y', 'https://user:pw@x.y', 'https://x.y/?q=1', 'https://x.y/#f', '::::']) {
      expect(ServerUrl.safeParse(bad).success, bad).toBe(false);
    }
    expect(ServerUrl.parse('https://chat.example.com/')).toBe('https://chat.example.com');
  });

  it('counts code points after NFC and refuses lone surrogates and NUL', () => {
    expect(MessageBody.parse('  e\u0301  ')).toBe('\u00e9');
    expect(MessageBody.safeParse('😀'.repeat(4000)).success).toBe(true);
    expect(MessageBody.safeParse('😀'.repeat(4001)).success).toBe(false);
    expect(MessageBody.safeParse('a\ud800b').success).toBe(false);
    expect(MessageBody.safeParse('a\u0000b').success).toBe(false);
    expect(MessageBody.safeParse('   ').success).toBe(false);
  });

  it('passwords are 8-72 UTF-8 bytes: longer is refused, not truncated', () => {
    expect(Password.safeParse('x'.repeat(72)).success).toBe(true);
    expect(Password.safeParse('x'.repeat(73)).success).toBe(false);
    expect(Password.safeParse('😀'.repeat(18)).success).toBe(true);
    expect(Password.safeParse('😀'.repeat(19)).success).toBe(false);
  });

  it('register bodies are strict objects', () => {
    const ok = { username: 'alice_1', email: 'Alice@Example.com', password: 'long enough' };
    expect(RegisterBody.parse(ok).email).toBe('alice@example.com');
    expect(RegisterBody.safeParse({ ...ok, admin: true }).success).toBe(false);
    expect(
      RegisterBody.safeParse(JSON.parse('{"__proto__":{"x":1},"username":"alice_1","email":"a@b.co","password":"long enough"}')).success,
    ).toBe(false);
  });

  it('a reaction is exactly one emoji grapheme, in one canonical form', () => {
    for (const ok of ['👍', '👍🏽', '🇨🇳', '👨‍👩‍👧', '1️⃣', '🏳️‍🌈', '❤️']) expect(canonicalEmoji(ok), ok).toBe(ok);
    expect(canonicalEmoji('\u2764')).toBe('\u2764\ufe0f');
    for (const bad of ['', 'a', '1', '👍👍', '👍 ', ' 👍', '\u200d', '\ud83d', ':)', '👍'.repeat(20)])
      expect(canonicalEmoji(bad), bad).toBeNull();
    expect(Emoji.safeParse('x').success).toBe(false);
    expect(Emoji.parse('\u2764')).toBe('\u2764\ufe0f');
  });

  it('mentions: @name not glued to a word or address, not in code; @room reserved', () => {
    expect(mentionedNames('hi @Ann_1, @bob! a@carl.com @room `@dave` ```\n@erin\n```')).toEqual({ names: ['ann_1', 'bob'], room: true });
    expect(mentionedNames('no mentions here')).toEqual({ names: [], room: false });
    expect(mentionedNames('@ab @abc')).toEqual({ names: ['abc'], room: false });
  });

  it('room settings take exactly one of notify and muted', () => {
    expect(RoomSettingsBody.safeParse({ notify: 'mentions' }).success).toBe(true);
    expect(RoomSettingsBody.safeParse({ muted: true }).success).toBe(true);
    for (const bad of [{}, { notify: 'all', muted: false }, { notify: 'loud' }, { muted: 1 }])
      expect(RoomSettingsBody.safeParse(bad).success).toBe(false);
  });
});

describe('messagePreview', () => {
  const base = { kind: 'text' as const, body: 'a\n\n b', attachment: null, deletedAt: null };
  const attachment = { id: 1, name: 'plan.pdf', mimeType: 'application/pdf', size: 10, width: null, height: null };
  it('flattens whitespace and shortens long text', () => {
    expect(messagePreview(base)).toBe('a b');
    expect(messagePreview({ ...base, body: 'x'.repeat(200) }, undefined, 10)).toBe('xxxxxxxxx…');
  });
  it('says [image] / [file] name, then the caption, in the labels given', () => {
    expect(messagePreview({ ...base, kind: 'image', body: '', attachment: { ...attachment, name: 'a.png', width: 2, height: 2 } })).toBe(
      '[image]',
    );
    expect(messagePreview({ ...base, kind: 'file', body: 'for Monday', attachment })).toBe('[file] plan.pdf for Monday');
    expect(messagePreview({ ...base, kind: 'file', body: '', attachment }, { image: '[图片]', file: '[文件]' })).toBe('[文件] plan.pdf');
    expect(messagePreview({ ...base, deletedAt: '2026-01-01T00:00:00.000Z' })).toBe('');
  });
});

describe('send schema', () => {
  it('text needs a body and no attachment; image/file need an attachment and may have an empty caption', () => {
    expect(SendMessageBody.safeParse({ clientId: 'c1', body: '' }).success).toBe(false);
    expect(SendMessageBody.safeParse({ clientId: 'c1', body: 'hi', attachmentId: 3 }).success).toBe(false);
    expect(SendMessageBody.safeParse({ clientId: 'c1', body: '', kind: 'image' }).success).toBe(false);
    expect(SendMessageBody.safeParse({ clientId: 'c1', body: '', kind: 'file', attachmentId: 3 }).success).toBe(true);
    expect(MessageSendSchema.safeParse({ roomId: 1, clientId: 'c1', body: '', kind: 'image', attachmentId: 3 }).success).toBe(true);
    expect(MessageSendSchema.safeParse({ roomId: 1, clientId: 'c1', body: '', kind: 'video', attachmentId: 3 }).success).toBe(false);
  });
});
