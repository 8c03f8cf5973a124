// Who is online: a user with one or more sockets anywhere. This node-local tracker is what a single node needs;
// with REDIS_URL the realtime layer swaps in the Redis-backed implementation of the same interface.
export interface Presence {
  onlineUserIds(ids: readonly number[]): Promise<Set<number>>;
  /** Counts a socket in; returns true when the user just came online. */
  connect(userId: number, socketId: string): Promise<boolean>;
  /** Counts a socket out; returns true when the user's last socket went away. */
  disconnect(userId: number, socketId: string): Promise<boolean>;
  allOnline(limit: number): Promise<number[]>;
  close(): Promise<void>;
}

export class LocalPresence implements Presence {
  private readonly sockets = new Map<number, Set<string>>();

  onlineUserIds(ids: readonly number[]): Promise<Set<number>> {
    return Promise.resolve(new Set(ids.filter((id) => (this.sockets.get(id)?.size ?? 0) > 0)));
  }

  connect(userId: number, socketId: string): Promise<boolean> {
    let set = this.sockets.get(userId);
    if (!set) this.sockets.set(userId, (set = new Set()));
    set.add(socketId);
    return Promise.resolve(set.size === 1);
  }

  disconnect(userId: number, socketId: string): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (!set || !set.delete(socketId)) return Promise.resolve(false);
    if (set.size === 0) {
      this.sockets.delete(userId);
      return Promise.resolve(true);
    }
    return Promise.resolve(false);
  }

  allOnline(limit: number): Promise<number[]> {
    return Promise.resolve([...this.sockets.keys()].slice(0, limit));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
