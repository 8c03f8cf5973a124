import { describe, expect, it } from 'vitest';
import { createSessionStore, SESSION_KEY } from './session-store.js';
import { fakeSafeStorage, memoryStore } from './test-fakes.js';

const URL_ = 'https://chat.example.com';

describe('session store', () => {
  it('encrypts the refresh token before it reaches the store, and decrypts it on load', () => {
    const store = memoryStore();
    const s = createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'win32' });
    expect(s.save(URL_, 'refresh-secret')).toBe('secure');
    expect(JSON.stringify([...store.data])).not.toContain('refresh-secret');

    const fresh = createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'win32' });
    expect(fresh.load()).toEqual({ kind: 'found', serverUrl: URL_, refreshToken: 'refresh-secret', persistence: 'secure' });
  });

  it('on Linux with the basic_text backend keeps the token in memory only and never writes it', () => {
    const store = memoryStore();
    const s = createSessionStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), store, platform: 'linux' });
    expect(s.canPersist()).toBe(false);
    expect(s.save(URL_, 'refresh-secret')).toBe('this-run-only');
    expect(store.data.has(SESSION_KEY)).toBe(false);
    expect(JSON.stringify([...store.data])).not.toContain('refresh-secret');
    expect(s.load()).toMatchObject({ kind: 'found', refreshToken: 'refresh-secret', persistence: 'this-run-only' });
    // The next run has nothing but the server address to prefill.
    const nextRun = createSessionStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), store, platform: 'linux' });
    expect(nextRun.load()).toEqual({ kind: 'none', serverUrl: URL_ });
  });

  it('treats an unavailable keychain like basic_text', () => {
    const store = memoryStore();
    const s = createSessionStore({ safeStorage: fakeSafeStorage({ available: false }), store, platform: 'darwin' });
    expect(s.save(URL_, 'tok')).toBe('this-run-only');
    expect(store.data.has(SESSION_KEY)).toBe(false);
  });

  it('uses a real Linux keyring backend', () => {
    const s = createSessionStore({ safeStorage: fakeSafeStorage({ backend: 'kwallet6' }), store: memoryStore(), platform: 'linux' });
    expect(s.save(URL_, 'tok')).toBe('secure');
  });

  it('drops a damaged entry and reports it as unreadable', () => {
    const store = memoryStore({ [SESSION_KEY]: { serverUrl: 42 } });
    const s = createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'win32' });
    expect(s.load().kind).toBe('unreadable');
    expect(store.data.has(SESSION_KEY)).toBe(false);
  });

  it('keeps a token the keychain will not decrypt: it may answer next run, and the next login replaces it', () => {
    const store = memoryStore({ [SESSION_KEY]: { serverUrl: URL_, encryptedRefreshToken: Buffer.from('garbage').toString('base64') } });
    const s = createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'darwin' });
    expect(s.load()).toEqual({ kind: 'unreadable', serverUrl: URL_ });
    expect(store.data.has(SESSION_KEY)).toBe(true);
    expect(s.save(URL_, 'new')).toBe('secure');
    expect(s.load()).toMatchObject({ kind: 'found', refreshToken: 'new' });
  });

  it('retries a keychain call that fails once, on load and on save', () => {
    const store = memoryStore();
    const flaky = (failures: number) => {
      const real = fakeSafeStorage();
      let left = failures;
      const once =
        <A extends unknown[], R>(fn: (...a: A) => R) =>
        (...a: A): R => {
          if (left-- > 0) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
          return fn(...a);
        };
      return { ...real, encryptString: once(real.encryptString), decryptString: once(real.decryptString) };
    };
    expect(createSessionStore({ safeStorage: flaky(1), store, platform: 'darwin' }).save(URL_, 'tok')).toBe('secure');
    expect(createSessionStore({ safeStorage: flaky(1), store, platform: 'darwin' }).load()).toMatchObject({
      kind: 'found',
      refreshToken: 'tok',
    });
    // Failing twice on save: the login still works, for this run only; the token on disk, now rotated away, goes.
    const twice = createSessionStore({ safeStorage: flaky(2), store, platform: 'darwin' });
    expect(twice.save(URL_, 'other')).toBe('this-run-only');
    expect(twice.load()).toMatchObject({ kind: 'found', refreshToken: 'other', persistence: 'this-run-only' });
    expect(store.data.has(SESSION_KEY)).toBe(false);
  });

  it('keeps the encrypted blob when the keychain is only unavailable this run', () => {
    const store = memoryStore();
    createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'darwin' }).save(URL_, 'tok');
    const locked = createSessionStore({ safeStorage: fakeSafeStorage({ available: false }), store, platform: 'darwin' });
    expect(locked.load()).toEqual({ kind: 'none', serverUrl: URL_ });
    expect(store.data.has(SESSION_KEY)).toBe(true);
  });

  it('clear forgets the token but remembers the server for the login form', () => {
    const store = memoryStore();
    const s = createSessionStore({ safeStorage: fakeSafeStorage(), store, platform: 'win32' });
    s.save(URL_, 'tok');
    s.clear();
    expect(s.load()).toEqual({ kind: 'none', serverUrl: URL_ });
    expect(s.lastServerUrl()).toBe(URL_);
  });
});
