// Keeps unsent messages across reloads and restarts, per server and user, so "sent while offline" is never lost.
import type { OutboxStore } from '../../../client/realtime.js';
import type { OutboxEntry } from './realtime-types.js';

export function localOutboxStore(serverUrl: string, userId: number, storage: Storage = window.localStorage): OutboxStore {
  const key = `messenger.outbox.${serverUrl}.${userId}`;
  return {
    load(): OutboxEntry[] {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        return Array.isArray(parsed)
          ? (parsed as OutboxEntry[]).filter((e) => typeof e?.clientId === 'string' && typeof e.roomId === 'number')
          : [];
      } catch {
        return [];
      }
    },
    save(entries) {
      if (entries.length) storage.setItem(key, JSON.stringify(entries));
      else storage.removeItem(key);
    },
  };
}
