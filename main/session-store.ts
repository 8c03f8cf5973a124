// Main process: where the refresh token lives between runs. Pure logic over an injected safeStorage and key-value
// store, so the encrypt / basic_text / corrupted paths are tested without Electron.
import type { SafeStorage } from 'electron';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

/** The slice of electron-store this module needs; a Map-backed fake in tests. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export const SESSION_KEY = 'session';

interface StoredSession {
  serverUrl: string;
  /** base64 of safeStorage.encryptString(refreshToken) */
  encryptedRefreshToken: string;
}

export type Persistence = 'secure' | 'this-run-only';

export type LoadResult =
  | { kind: 'none'; serverUrl: string | null }
  | { kind: 'found'; serverUrl: string; refreshToken: string; persistence: Persistence }
  /**
   * Something was stored but cannot be read. A damaged entry has been removed; a token the keychain would not
   * decrypt (twice) is kept, since a keychain that fails now may answer next run, and the next login replaces it.
   */
  | { kind: 'unreadable'; serverUrl: string | null };

export interface SessionStore {
  load(): LoadResult;
  /** Keep the refresh token; encrypted on disk when the OS can, in memory only otherwise. */
  save(serverUrl: string, refreshToken: string): Persistence;
  /** Forget the token but remember the server, to prefill the next login. */
  clear(): void;
  lastServerUrl(): string | null;
  canPersist(): boolean;
}

/** Keychain calls fail now and then (D-Bus timeout, keyring still unlocking at login): one failure is not an answer. */
function retryOnce<T>(call: () => T): T {
  try {
    return call();
  } catch {
    return call();
  }
}

export function createSessionStore(deps: { safeStorage: SafeStorageLike; store: KeyValueStore; platform: NodeJS.Platform }): SessionStore {
  const { safeStorage, store, platform } = deps;
  // The token of a run without a secure backend: never written to disk (see ARCHITECTURE.md, Session).
  let memory: { serverUrl: string; refreshToken: string } | null = null;

  function canPersist(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    // On Linux without a keyring Chromium "encrypts" with a hard-coded key (basic_text): that is clear text in effect.
    if (platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
      return backend !== 'basic_text' && backend !== 'unknown';
    }
    return true;
  }

  function readStored(): StoredSession | 'unreadable' | null {
    const raw = store.get(SESSION_KEY);
    if (raw === undefined || raw === null) return null;
    if (
      typeof raw === 'object' &&
      typeof (raw as StoredSession).serverUrl === 'string' &&
      typeof (raw as StoredSession).encryptedRefreshToken === 'string'
    ) {
      return raw as StoredSession;
    }
    return 'unreadable';
  }

  function lastServerUrl(): string | null {
    if (memory) return memory.serverUrl;
    const stored = readStored();
    if (stored && stored !== 'unreadable') return stored.serverUrl;
    const last = store.get('lastServerUrl');
    return typeof last === 'string' ? last : null;
  }

  function load(): LoadResult {
    if (memory) return { kind: 'found', ...memory, persistence: 'this-run-only' };
    const stored = readStored();
    if (stored === null) return { kind: 'none', serverUrl: lastServerUrl() };
    if (stored === 'unreadable') {
      store.delete(SESSION_KEY);
      return { kind: 'unreadable', serverUrl: lastServerUrl() };
    }
    if (!safeStorage.isEncryptionAvailable()) {
      // The keychain may only be locked this run; keep the blob for the next one.
      return { kind: 'none', serverUrl: stored.serverUrl };
    }
    let refreshToken: string;
    try {
      refreshToken = retryOnce(() => safeStorage.decryptString(Buffer.from(stored.encryptedRefreshToken, 'base64')));
    } catch {
      return { kind: 'unreadable', serverUrl: stored.serverUrl };
    }
    if (refreshToken.length === 0) {
      store.delete(SESSION_KEY);
      return { kind: 'unreadable', serverUrl: stored.serverUrl };
    }
    return { kind: 'found', serverUrl: stored.serverUrl, refreshToken, persistence: 'secure' };
  }

  function save(serverUrl: string, refreshToken: string): Persistence {
    store.set('lastServerUrl', serverUrl);
    if (!canPersist()) {
      store.delete(SESSION_KEY);
      memory = { serverUrl, refreshToken };
      return 'this-run-only';
    }
    let encryptedRefreshToken: string;
    try {
      encryptedRefreshToken = retryOnce(() => safeStorage.encryptString(refreshToken)).toString('base64');
    } catch {
      // The keychain refused twice: keep the session for this run rather than failing the login. A stored token is
      // now stale (the server has just rotated it), and presenting it next run would look like a stolen token.
      store.delete(SESSION_KEY);
      memory = { serverUrl, refreshToken };
      return 'this-run-only';
    }
    store.set(SESSION_KEY, { serverUrl, encryptedRefreshToken } satisfies StoredSession);
    memory = null;
    return 'secure';
  }

  function clear(): void {
    const url = lastServerUrl();
    memory = null;
    store.delete(SESSION_KEY);
    if (url) store.set('lastServerUrl', url);
  }

  return { load, save, clear, lastServerUrl, canPersist };
}
