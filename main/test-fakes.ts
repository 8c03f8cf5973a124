// Test helpers for main/: in-memory stand-ins for electron-store and safeStorage.
import type { KeyValueStore, SafeStorageLike } from './session-store.js';

export function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
}

/** Reversible but not identity "encryption", so a test can tell ciphertext from the token. */
export function fakeSafeStorage(
  opts: { available?: boolean; backend?: ReturnType<NonNullable<SafeStorageLike['getSelectedStorageBackend']>> } = {},
): SafeStorageLike {
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString: (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b) => {
      const text = b.toString();
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...text.slice(4)].reverse().join('');
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
}
