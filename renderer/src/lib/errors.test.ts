// Every code that can reach the UI (server error codes and the desktop bridge's own) has its own sentence in both
// languages, and errorText picks it rather than the server's English text.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../client/api.js';
import type { DesktopErrorCode } from '../../../protocol/desktop.js';
import { ERROR_STATUS } from '../../../protocol/errors.js';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { errorText } from './errors.js';

const DESKTOP_CODES: DesktopErrorCode[] = [
  'INVALID_ARGUMENT',
  'FORBIDDEN_SENDER',
  'NETWORK_ERROR',
  'NOT_LOGGED_IN',
  'SESSION_EXPIRED',
  'SESSION_REVOKED',
  'VERIFICATION_REQUIRED',
];
// Some codes are both (SESSION_REVOKED, SESSION_EXPIRED): one sentence serves both.
const ALL = [...new Set([...Object.keys(ERROR_STATUS), ...DESKTOP_CODES])];

describe('error messages', () => {
  it.each([
    ['en', en.errors],
    ['zh-CN', zhCN.errors],
  ])('%s has a message for every code', (_lang, errors) => {
    const table = errors as Record<string, string>;
    expect(ALL.filter((code) => !table[code])).toEqual([]);
  });

  it('the messages differ per code (no code borrows another one’s sentence), except true synonyms', () => {
    const table = en.errors as Record<string, string>;
    const synonyms = new Set(['NETWORK_ERROR', 'NOT_LOGGED_IN', 'RATE_LIMITED', 'SESSION_EXPIRED', 'INVALID_ARGUMENT']);
    const seen = new Map<string, string>();
    for (const code of ALL.filter((c) => !synonyms.has(c))) {
      const text = table[code]!;
      expect(seen.get(text), `${code} repeats ${seen.get(text)}`).toBeUndefined();
      seen.set(text, code);
    }
  });

  it('RATE_LIMITED says how long to wait, in seconds or (from two minutes) minutes, from either bridge', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'en', resources: { en: { translation: en } } });
    const limited = (retryAfter: number) => new ApiError(429, { code: 'RATE_LIMITED', message: 'x', retryAfter });
    expect(errorText(i18n.t, limited(4))).toBe('Too many attempts. Please try again in 4 seconds.');
    expect(errorText(i18n.t, limited(900))).toBe('Too many attempts. Please try again in 15 minutes.');
    expect(errorText(i18n.t, { code: 'RATE_LIMITED', message: 'x', retryAfter: 8 })).toBe(
      'Too many attempts. Please try again in 8 seconds.',
    );
  });

  it('errorText uses the code, not the server text', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } } });
    for (const code of Object.keys(ERROR_STATUS).filter((c) => c !== 'VALIDATION_FAILED' && c !== 'RATE_LIMITED')) {
      const err = new ApiError(400, { code: code as keyof typeof ERROR_STATUS, message: 'english server text' });
      expect(errorText(i18n.t, err)).toBe((zhCN.errors as Record<string, string>)[code]);
    }
  });
});
