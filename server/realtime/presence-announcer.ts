// "Came online" announcements, coalesced while many arrive at once. In a reconnect storm every user comes back
// within seconds and each one's announcement went to every member of their rooms: a room of 100 cost 100 x 100 packets,
// the largest share of a handshake's CPU (bench/storm.ts). Now the first announcement after a quiet spell goes out at
// once, exactly as before (`presence`); those arriving in the next WINDOW_MS are held and sent together, one
// `presence:many` per room (a lone one still as `presence`), so a storm costs a room a few packets per member. While
// the storm goes on (a window held many), the window doubles, up to MAX_WINDOW_MS: every flush sends one packet to
// every member of every room with a newcomer, so a storm of 10,000 over 15 s at a fixed 250 ms still cost each socket
// about 60 packets; a quiet spell brings the window back to WINDOW_MS.
import type { IoServer } from './gateway.js';

export interface OnlinePresence {
  userId: number;
  online: true;
  lastSeenAt: string | null;
}

const WINDOW_MS = 250;
const MAX_WINDOW_MS = 4000;
/** A window that held at least this many announcements widens the next one. */
const STORM = 50;

interface Held {
  presence: OnlinePresence;
  targets: string[];
}

export class OnlineAnnouncer {
  private readonly held = new Map<number, Held>();
  /** Batches out of `held` whose "still online" check is under way: a user going offline meanwhile leaves them too. */
  private readonly checking = new Set<Map<number, Held>>();
  private timer: NodeJS.Timeout | undefined;
  private windowMs = WINDOW_MS;
  private closed = false;

  constructor(
    private readonly io: IoServer,
    /** Which of these users are still online (one who left meanwhile is not announced late). */
    private readonly stillOnline: (ids: number[]) => Promise<Set<number>>,
  ) {}

  announce(presence: OnlinePresence, targets: string[]): void {
    if (this.closed) return;
    if (this.timer === undefined) {
      this.io.to(targets).emit('presence', presence);
      this.timer = setTimeout(() => void this.flush(), WINDOW_MS);
      return;
    }
    this.held.set(presence.userId, { presence, targets });
  }

  /** The user went offline: an announcement still held must not follow the offline one. */
  cancel(userId: number): void {
    this.held.delete(userId);
    for (const batch of this.checking) batch.delete(userId);
  }

  /** Shutting down: nothing held or announced from here on. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.held.clear();
    this.checking.clear();
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    const batch = new Map(this.held);
    this.held.clear();
    if (batch.size === 0) {
      this.timer = undefined;
      this.windowMs = WINDOW_MS;
      return;
    }
    this.windowMs = batch.size >= STORM ? Math.min(MAX_WINDOW_MS, this.windowMs * 2) : WINDOW_MS;
    this.timer = setTimeout(() => void this.flush(), this.windowMs);
    this.checking.add(batch);
    const online = await this.stillOnline([...batch.keys()]).catch(() => undefined);
    this.checking.delete(batch);
    if (this.closed) return;
    const byTarget = new Map<string, OnlinePresence[]>();
    for (const { presence, targets } of batch.values()) {
      if (online && !online.has(presence.userId)) continue;
      for (const t of targets) {
        let list = byTarget.get(t);
        if (!list) byTarget.set(t, (list = []));
        list.push(presence);
      }
    }
    for (const [target, users] of byTarget) {
      if (users.length === 1) this.io.to(target).emit('presence', users[0]!);
      else this.io.to(target).emit('presence:many', { users });
    }
  }
}
