// Shared-schema issues in the UI language: codes/formats/limits -> translation keys, in English and Chinese.
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { validate } from './validation.js';

let tEn: TFunction;
let tZh: TFunction;
beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'en',
    interpolation: { escapeValue: false },
  });
  tEn = i18n.getFixedT('en');
  tZh = i18n.getFixedT('zh-CN');
});

describe('validate', () => {
  it('passes valid values', () => {
    expect(validate(tEn, 'username', 'ann_1')).toBeNull();
    expect(validate(tEn, 'email', 'Ann@Example.test')).toBeNull();
    expect(validate(tEn, 'password', 'correct horse')).toBeNull();
    expect(validate(tEn, 'roomName', 'Launch')).toBeNull();
    expect(validate(tEn, 'description', '')).toBeNull();
    expect(validate(tEn, 'serverUrl', 'https://chat.example.test')).toBeNull();
  });

  it('says what is wrong, in English', () => {
    expect(validate(tEn, 'username', '')).toBe('is required');
    expect(validate(tEn, 'username', 'a b')).toBe('may contain only letters, digits and _');
    expect(validate(tEn, 'username', 'ab')).toBe('must be 3-32 characters');
    expect(validate(tEn, 'email', 'not-an-email')).toBe('must be a valid email address');
    expect(validate(tEn, 'password', 'short')).toBe('must be 8-72 bytes of UTF-8');
    expect(validate(tEn, 'roomName', '   ')).toBe('is required');
    expect(validate(tEn, 'roomName', 'x'.repeat(81))).toBe('must be 1-80 characters');
    expect(validate(tEn, 'description', 'x'.repeat(501))).toBe('must be at most 500 characters');
    expect(validate(tEn, 'displayName', 'a\u0000b')).toBe('must not contain NUL or broken (unpaired surrogate) characters');
    expect(validate(tEn, 'avatarUrl', 'ftp://x.test/a.png')).toBe('must be an http(s) URL');
    expect(validate(tEn, 'serverUrl', 'not a url')).toBe('must be an http(s) URL');
    expect(validate(tEn, 'serverUrl', 'https://u:p@chat.example.test')).toBe('must not contain credentials, a query or a fragment');
  });

  it('says it in Chinese in the Chinese UI', () => {
    expect(validate(tZh, 'username', '')).toBe('必填');
    expect(validate(tZh, 'username', 'a b')).toBe('只能包含字母、数字和下划线');
    expect(validate(tZh, 'username', 'ab')).toBe('长度须为 3–32 个字符');
    expect(validate(tZh, 'email', 'nope')).toBe('请输入有效的邮箱地址');
    expect(validate(tZh, 'password', 'short')).toBe('长度须为 8–72 字节（UTF-8）');
    expect(validate(tZh, 'roomName', 'x'.repeat(81))).toBe('长度须为 1–80 个字符');
    expect(validate(tZh, 'serverUrl', 'nope')).toBe('请输入 http(s) 开头的网址');
  });
});
