// Rate limits on rate-limiter-flexible: in memory on one node, in Redis when scaled out. While Redis is away (or slower
// than its command timeout) each limiter answers from its in-memory insurance limiter, so limits hold per node instead
// of failing or stalling, and Redis counts again as soon as it is back.
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

export function createLimiter(options: LimiterOptions, redis?: Redis): RateLimiterAbstract {
  const base = { keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds };
  return redis
    ? new RateLimiterRedis({
        ...base,
        storeClient: redis,
        insuranceLimiter: new RateLimiterMemory(base),
        // Straight to the insurance limiter while the client is not connected, without trying the command first.
        rejectIfRedisNotReady: true,
      })
    : new RateLimiterMemory(base);
}

export function rateLimited(res: RateLimiterRes): AppError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError('RATE_LIMITED', `too many attempts; try again in ${retryAfter} s`, { retryAfter });
}

/** Consumes a point; throws RATE_LIMITED when none is left. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string, points = 1): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimited(err);
    throw err;
  }
}

/** Throws RATE_LIMITED if the key has no points left, without consuming one. */
export async function checkOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const res = await limiter.get(key);
  if (res && res.remainingPoints <= 0 && res.consumedPoints >= limiter.points) throw rateLimited(res);
}

/**
 * Per-user message sends, REST and socket together: `perSecond` every second, plus a burst allowance
 * (up to `burst` at once) that refills over a minute, via rate-limiter-flexible's BurstyRateLimiter.
 */
export class SendLimiter {
  private readonly limiter: BurstyRateLimiter;

  constructor(burst: number, perSecond: number, redis?: Redis, prefix = 'messenger') {
    const steady = createLimiter({ keyPrefix: `${prefix}:send-rate`, points: perSecond, durationSeconds: 1 }, redis);
    const extra = createLimiter({ keyPrefix: `${prefix}:send-burst`, points: Math.max(burst - perSecond, 1), durationSeconds: 60 }, redis);
    this.limiter = new BurstyRateLimiter(steady, extra);
  }

  async consume(userId: number): Promise<void> {
    try {
      await this.limiter.consume(String(userId));
    } catch (err) {
      if (err instanceof RateLimiterRes) throw rateLimited(err);
      throw err;
    }
  }
}
