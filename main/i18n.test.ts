import { describe, expect, it } from 'vitest';
import { MAIN_STRINGS, pickLocale } from './i18n.js';
import { drawPixels } from './icon-art.js';
import { spellCheckLanguages } from './spellcheck.js';

describe("main's strings", () => {
  it('follow the setting, else the first system language we have, else English', () => {
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
    expect(pickLocale(null, ['fr-FR', 'zh-Hans-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['zh-TW', 'en-GB'])).toBe('en');
    expect(pickLocale(null, ['de'])).toBe('en');
  });

  it('exist in both languages, every one different from English where it is words', () => {
    const en = MAIN_STRINGS.en;
    const zh = MAIN_STRINGS['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      const a = en[key];
      const b = zh[key];
      const sample = (v: unknown) => (typeof v === 'function' ? (v as (...x: unknown[]) => string)(2, 'x', 'y') : v);
      expect(sample(b), key).not.toBe(sample(a));
    }
  });
});

describe('Windows overlay', () => {
  const white = (px: Uint8Array) => {
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! > 200 && px[i + 1]! > 200 && px[i + 2]! > 200 && px[i + 3]! > 200) n++;
    return n;
  };
  it('draws the count on the red dot: 1..9 each its own picture, then 9+', () => {
    const labels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9+'];
    const pictures = labels.map((l) => Buffer.from(drawPixels('overlay', 32, l)).toString('base64'));
    expect(new Set(pictures).size).toBe(labels.length);
    for (const l of labels) expect(white(drawPixels('overlay', 32, l)), l).toBeGreaterThan(20);
    expect(white(drawPixels('overlay', 32))).toBe(0);
    // "9+" is wider than "9": the plus is there.
    expect(white(drawPixels('overlay', 32, '9+'))).toBeGreaterThan(white(drawPixels('overlay', 32, '9')));
  });
});

describe('spell-check languages', () => {
  const available = ['en-US', 'en-GB', 'de', 'fr', 'zh-CN'];
  it('uses the chosen dictionaries that exist, else the system language', () => {
    expect(spellCheckLanguages(['de', 'xx', 'fr'], available, ['en-US'])).toEqual(['de', 'fr']);
    expect(spellCheckLanguages([], available, ['de-AT', 'en-US'])).toEqual(['de']);
    expect(spellCheckLanguages([], available, ['ja'])).toEqual([]);
  });
});
