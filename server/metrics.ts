// Prometheus metrics (prom-client) on a per-server Registry, served at GET /metrics.
// Several servers in one process (tests) each get their own registry, so nothing clashes on the global one.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DomainEventBus } from './events.js';

export interface Metrics {
  registry: Registry;
  /** Socket.IO connections open on this node: the realtime gateway calls inc() on connect, dec() on disconnect. */
  socketsConnected: Gauge;
  /**
   * Seconds from receiving a client->server socket event to calling its ack, by event name
   * (`const end = metrics.ackLatency.startTimer({ event: 'message:send' }); ... end();`).
   */
  ackLatency: Histogram<'event'>;
  /** Socket handshakes refused by admission control (too many set-ups at once; answered SERVICE_UNAVAILABLE). */
  socketSetupsRefused: Counter;
  /** Socket set-ups (handshake to session:ready) by state: `running`, or `queued` for a slot. */
  socketSetups: Gauge<'state'>;
  /** Messages committed to the database by this node (counted from the `message:new` domain event). */
  messagesPersisted: Counter<'kind'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Mount first (before the routes): times every request and answers GET /metrics. */
  middleware: RequestHandler[];
  /** Prometheus text exposition of the registry. */
  render(): Promise<string>;
}

export interface MetricsDeps {
  knex: Knex;
  events: DomainEventBus;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  token: string | undefined;
}

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function tokenMatches(req: Request, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  // Compare fixed-length digests in constant time, so the answer time says nothing about the token.
  return m !== null && timingSafeEqual(digest(m[1]!), expected);
}

/** Requests that matched no route (404s, the web client's static files) share one label each: bounded cardinality. */
function fallbackLabel(req: Request, res: Response): string {
  const own = res.locals['metricsRoute'];
  if (typeof own === 'string') return own;
  if (res.statusCode === 404) return 'unmatched';
  return req.method === 'GET' || req.method === 'HEAD' ? 'static' : 'unmatched';
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, matched route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const messagesPersisted = new Counter({
    name: 'messenger_messages_persisted_total',
    help: 'Messages committed to the database by this node.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const socketsConnected = new Gauge({
    name: 'messenger_sockets_connected',
    help: 'Socket.IO connections currently open on this node.',
    registers: [registry],
  });
  const socketSetupsRefused = new Counter({
    name: 'messenger_socket_setups_refused_total',
    help: 'Socket handshakes refused by admission control (SERVICE_UNAVAILABLE with retryAfterMs).',
    registers: [registry],
  });
  const socketSetups = new Gauge({
    name: 'messenger_socket_setups',
    help: 'Socket set-ups in progress (running) and waiting for a slot (queued).',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const ackLatency = new Histogram({
    name: 'messenger_socket_ack_latency_seconds',
    help: 'Seconds from receiving a socket event to acknowledging it, by event.',
    labelNames: ['event'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  const pool = (): TarnPool | undefined => (deps.knex.client as { pool?: TarnPool }).pool;
  const poolGauge = (name: string, help: string, read: (p: TarnPool) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        this.set(p ? read(p) : 0);
      },
    });
  poolGauge('messenger_db_pool_used', 'Database connections in use.', (p) => p.numUsed());
  poolGauge('messenger_db_pool_free', 'Idle database connections in the pool.', (p) => p.numFree());
  poolGauge(
    'messenger_db_pool_pending',
    'Requests waiting for a database connection (acquires plus creates).',
    (p) => p.numPendingAcquires() + p.numPendingCreates(),
  );

  deps.events.on('message:new', (message) => messagesPersisted.inc({ kind: message.kind }));

  const expected = deps.token ? digest(deps.token) : undefined;

  const timing: RequestHandler = (req, res, next) => {
    const end = httpDuration.startTimer();
    // Express sets req.route when a route matches; the routers reset req.baseUrl on the way out (an error, for
    // instance), so keep the full pattern (`/api` + `/rooms/:id`) as it is at that moment.
    let route: unknown;
    let pattern: string | undefined;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set: (value: unknown) => {
        route = value;
        const path = (value as { path?: unknown } | undefined)?.path;
        pattern = typeof path === 'string' ? req.baseUrl + path : undefined;
      },
    });
    res.once('finish', () => {
      end({ method: req.method, route: pattern ?? fallbackLabel(req, res), status: String(res.statusCode) });
    });
    next();
  };

  const endpoint: RequestHandler = (req, res, next) => {
    if (req.path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res.locals['metricsRoute'] = '/metrics';
    if (expected && !tokenMatches(req, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'metrics require a valid bearer token' } });
      return;
    }
    registry.metrics().then(
      (text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.send(text);
      },
      (err: unknown) => next(err),
    );
  };

  return {
    registry,
    socketsConnected,
    ackLatency,
    socketSetupsRefused,
    socketSetups,
    messagesPersisted,
    httpDuration,
    middleware: [timing, endpoint],
    render: () => registry.metrics(),
  };
}
