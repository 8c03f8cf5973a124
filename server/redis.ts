// Redis is an accelerator, never a single point of failure: every command is bounded, nothing waits for a Redis that
// is away, callers fall back to node-local behaviour, and the clients reconnect on their own when it comes back.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

export type RedisHealth = 'ok' | 'down' | 'off';

/**
 * Options of the client every request path uses (rate limits, presence, the adapter's publisher).
 * - `enableOfflineQueue: false`: while Redis is away a command fails at once instead of queueing until it is back
 *   (the queue is what made logins take 12 s and more); the caller then uses its node-local fallback.
 * - `commandTimeout`: a Redis that accepts the connection but does not answer (overloaded, paused, a half-open TCP
 *   connection) still costs a request at most this long.
 * - `maxRetriesPerRequest: 0`: a command caught by a dropped connection fails instead of waiting for the reconnect.
 * - `autoResendUnfulfilledCommands: false`: no stale rate-limit increments replayed after a reconnect.
 * - `retryStrategy`: reconnect forever, at most 2 s apart, so recovery is noticed within about 2 s.
 * - `connectTimeout`: an unreachable host counts as down after 2 s, not the default 10.
 */
export function requestOptions(timeoutMs: number, lazyConnect = true) {
  return {
    lazyConnect,
    enableOfflineQueue: false,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    connectTimeout: 2000,
  };
}

/**
 * The Socket.IO streams adapter publishes with the client it is given and duplicates it for its stream reader and
 * pub/sub subscriber. Those two must not inherit the request options: the reader's `XREAD BLOCK 5000` would hit the
 * command timeout every second, and without an offline queue it would spin in a tight loop while Redis is away.
 * So the duplicates queue while disconnected (the reader simply waits for Redis), without a command timeout, and with
 * `blockingTimeout` guarding the blocking read against a half-open connection instead.
 * It must be created with `lazyConnect: false`: the adapter awaits `connect()` on lazy duplicates, and that promise
 * rejects (unhandled, so the process exits) when Redis is down at start-up.
 */
export class AdapterRedis extends Redis {
  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new Redis({
      ...this.options,
      enableOfflineQueue: true,
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
      autoResendUnfulfilledCommands: true,
      blockingTimeout: 10_000,
      ...override,
    });
  }
}

export interface RedisClients {
  /** Rate limits and presence. */
  main: Redis;
  /** The Socket.IO adapter's publisher (its reader and subscriber are duplicates of it). */
  adapter: AdapterRedis;
  health(): Promise<RedisHealth>;
  close(): Promise<void>;
}

/** Logs Redis going away and coming back once each, not every reconnect attempt. */
function watch(client: Redis, logger: Logger, closing: () => boolean): void {
  let up = false;
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  client.on('ready', () => {
    if (!up) logger.info('redis connected');
    up = true;
  });
  client.on('close', () => {
    if (up && !closing()) logger.warn({ err: lastError || undefined }, 'redis unreachable; degraded until it returns');
    up = false;
  });
}

/** Resolves true once the client is ready, false after `ms` (it keeps trying in the background either way). */
export function whenReady(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    client.on('ready', onReady);
  });
}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`; // never the password
  } catch {
    return 'redis';
  }
}

/**
 * Connects both clients. If Redis is not there, logs one line and waits up to `startupWaitSeconds` for it (compose
 * may start Redis and the servers together), then returns anyway: the node serves in degraded mode, exactly as a
 * running node does during an outage, and the clients join Redis whenever it appears.
 */
export async function connectRedis(
  url: string,
  options: { timeoutMs: number; startupWaitSeconds: number },
  logger: Logger,
): Promise<RedisClients> {
  const log = logger.child({ component: 'redis' });
  const main = new Redis(url, requestOptions(options.timeoutMs));
  const adapter = new AdapterRedis(url, requestOptions(options.timeoutMs, false));
  let closing = false;
  watch(main, log, () => closing);
  adapter.on('error', () => undefined); // the same outage, already logged once through the main client
  main.connect().catch(() => undefined); // failures arrive as 'error' events; retryStrategy keeps trying
  const ready = await whenReady(main, 1500);
  if (!ready) {
    const where = describe(url);
    log.warn(
      { redis: where, waitSeconds: options.startupWaitSeconds },
      `Redis at ${where} is not reachable; waiting up to ${options.startupWaitSeconds} s, then serving in degraded mode until it is`,
    );
    if (!(await whenReady(main, options.startupWaitSeconds * 1000)))
      log.warn({ redis: where }, 'starting without Redis: presence and rate limits are node-local until it returns');
  }
  return {
    main,
    adapter,
    health: async () => {
      if (main.status !== 'ready') return 'down';
      try {
        await main.ping();
        return 'ok';
      } catch {
        return 'down';
      }
    },
    close: async () => {
      closing = true;
      await Promise.all([main, adapter].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
