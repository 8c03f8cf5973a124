// The shared schemas refuse what they should, by returning a failure, never by throwing.
import { describe, expect, it } from 'vitest';
import { ServerUrl } from './desktop.js';
import { MessageBody, Password, RegisterBody } from './schemas.js';

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
});
