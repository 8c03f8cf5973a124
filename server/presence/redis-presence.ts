// Presence shared by every node through Redis: one sorted set per user of socket ids scored by an expiry that each
// node keeps pushing forward, so a node that dies without cleaning up drops out within TTL_MS.
import type { Redis } from 'ioredis';
import type { Presence } from './presence.js';

const TTL_MS = 60_000;
const HEARTBEAT_MS = 20_000;

export class RedisPresence implements Presence {
  private readonly local = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  private key(userId: number): string {
    return `${this.prefix}:presence:u:${userId}`;
  }

  private get usersKey(): string {
    return `${this.prefix}:presence:users`;
  }

  private async heartbeat(): Promise<void> {
    if (this.local.size === 0) return;
    const pipe = this.redis.pipeline();
    const expiry = Date.now() + TTL_MS;
    for (const [socketId, userId] of this.local) pipe.zadd(this.key(userId), expiry, socketId);
    await pipe.exec().catch(() => undefined);
  }

  async connect(userId: number, socketId: string): Promise<boolean> {
    this.local.set(socketId, userId);
    const now = Date.now();
    const res = await this.redis
      .multi()
      .zremrangebyscore(this.key(userId), '-inf', now)
      .zadd(this.key(userId), now + TTL_MS, socketId)
      .zcard(this.key(userId))
      .sadd(this.usersKey, String(userId))
      .exec();
    return Number(res?.[2]?.[1] ?? 0) === 1;
  }

  async disconnect(userId: number, socketId: string): Promise<boolean> {
    this.local.delete(socketId);
    const now = Date.now();
    const res = await this.redis
      .multi()
      .zrem(this.key(userId), socketId)
      .zremrangebyscore(this.key(userId), '-inf', now)
      .zcard(this.key(userId))
      .exec();
    const removed = Number(res?.[0]?.[1] ?? 0) === 1;
    const left = Number(res?.[2]?.[1] ?? 0);
    if (left === 0) await this.redis.srem(this.usersKey, String(userId));
    return removed && left === 0;
  }

  async onlineUserIds(ids: readonly number[]): Promise<Set<number>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Set();
    const now = Date.now();
    const pipe = this.redis.pipeline();
    for (const id of unique) pipe.zcount(this.key(id), now, '+inf');
    const res = (await pipe.exec()) ?? [];
    return new Set(unique.filter((_, i) => Number(res[i]?.[1] ?? 0) > 0));
  }

  async allOnline(limit: number): Promise<number[]> {
    const members = await this.redis.srandmember(this.usersKey, limit);
    const ids = members.map(Number).filter(Number.isSafeInteger);
    return [...(await this.onlineUserIds(ids))];
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.local.size === 0) return;
    // A clean shutdown takes this node's sockets out at once instead of waiting for their expiry.
    const pipe = this.redis.pipeline();
    for (const [socketId, userId] of this.local) pipe.zrem(this.key(userId), socketId);
    this.local.clear();
    await pipe.exec().catch(() => undefined);
  }
}
