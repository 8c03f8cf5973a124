// Presence shared by every node through Redis: one sorted set per user of socket ids scored by an expiry that each
// node keeps pushing forward, so a node that dies without cleaning up drops out within TTL_MS.
// While Redis is away each node answers from its own sockets (node-local presence) and remembers what it could not
// write; when Redis is ready again, the node re-announces every socket it holds (Redis may have come back empty) and
// removes the ones that left meanwhile.
import type { ChainableCommander, Redis } from 'ioredis';
import type { Presence } from './presence.js';

const TTL_MS = 60_000;
const HEARTBEAT_MS = 20_000;

/** A pipeline's replies; ioredis reports a failed command inside the results, so throw it like a failed call. */
async function replies(pipe: ChainableCommander): Promise<unknown[]> {
  const res = (await pipe.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, value]) => value);
}

export class RedisPresence implements Presence {
  /** socket id -> user id, for every socket on this node: the heartbeat's work and the fallback during an outage. */
  private readonly local = new Map<string, number>();
  /** Sockets that left while Redis was away, to remove from Redis when it is back. */
  private readonly leftWhileAway = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
    redis.on('ready', this.onReady);
  }

  private readonly onReady = () => void this.heartbeat();

  private key(userId: number): string {
    return `${this.prefix}:presence:u:${userId}`;
  }

  private get usersKey(): string {
    return `${this.prefix}:presence:users`;
  }

  private localUsers(): Set<number> {
    return new Set(this.local.values());
  }

  /**
   * Announces every local socket (sorted set and the users set, so a Redis that restarted empty is whole again)
   * and removes those that left while Redis was away. Runs on every heartbeat and whenever Redis becomes ready.
   */
  async heartbeat(): Promise<void> {
    if (this.local.size === 0 && this.leftWhileAway.size === 0) return;
    const pipe = this.redis.pipeline();
    const expiry = Date.now() + TTL_MS;
    const left = [...this.leftWhileAway];
    for (const [socketId, userId] of left) pipe.zrem(this.key(userId), socketId);
    for (const [socketId, userId] of this.local) pipe.zadd(this.key(userId), expiry, socketId);
    for (const userId of this.localUsers()) pipe.sadd(this.usersKey, String(userId));
    try {
      await replies(pipe);
      for (const [socketId] of left) this.leftWhileAway.delete(socketId);
    } catch {
      // Redis still away: the next heartbeat or 'ready' tries again.
    }
  }

  async connect(userId: number, socketId: string): Promise<boolean> {
    this.local.set(socketId, userId);
    this.leftWhileAway.delete(socketId);
    const now = Date.now();
    try {
      const res = await replies(
        this.redis
          .multi()
          .zremrangebyscore(this.key(userId), '-inf', now)
          .zadd(this.key(userId), now + TTL_MS, socketId)
          .zcard(this.key(userId))
          .sadd(this.usersKey, String(userId)),
      );
      return Number(res[2] ?? 0) === 1;
    } catch {
      // Node-local answer; the socket is announced when Redis is back.
      return [...this.local.values()].filter((id) => id === userId).length === 1;
    }
  }

  async disconnect(userId: number, socketId: string): Promise<boolean> {
    if (!this.local.delete(socketId)) return false;
    const now = Date.now();
    try {
      const res = await replies(
        this.redis.multi().zrem(this.key(userId), socketId).zremrangebyscore(this.key(userId), '-inf', now).zcard(this.key(userId)),
      );
      const removed = Number(res[0] ?? 0) === 1;
      const left = Number(res[2] ?? 0);
      if (left === 0) await this.redis.srem(this.usersKey, String(userId));
      return removed && left === 0;
    } catch {
      this.leftWhileAway.set(socketId, userId);
      return !this.localUsers().has(userId);
    }
  }

  async onlineUserIds(ids: readonly number[]): Promise<Set<number>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Set();
    const now = Date.now();
    const pipe = this.redis.pipeline();
    for (const id of unique) pipe.zcount(this.key(id), now, '+inf');
    try {
      const res = await replies(pipe);
      return new Set(unique.filter((_, i) => Number(res[i] ?? 0) > 0));
    } catch {
      const here = this.localUsers();
      return new Set(unique.filter((id) => here.has(id)));
    }
  }

  async allOnline(limit: number): Promise<number[]> {
    try {
      const members = await this.redis.srandmember(this.usersKey, limit);
      const ids = members.map(Number).filter(Number.isSafeInteger);
      return [...(await this.onlineUserIds(ids))];
    } catch {
      return [...this.localUsers()].slice(0, limit);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    if (this.local.size === 0) return;
    // A clean shutdown takes this node's sockets out at once instead of waiting for their expiry.
    const pipe = this.redis.pipeline();
    for (const [socketId, userId] of this.local) pipe.zrem(this.key(userId), socketId);
    this.local.clear();
    await pipe.exec().catch(() => undefined);
  }
}
