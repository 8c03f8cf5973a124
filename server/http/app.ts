// The Express app: security headers, JSON body rules, the REST routes, health, OpenAPI, the web client, errors.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Knex } from 'knex';
import { LIMITS } from '../../protocol/schemas.js';
import type { Config } from '../config.js';
import { AppError, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { originAllowed } from '../realtime/gateway.js';
import { buildOpenApi } from './openapi.js';
import { mountRoutes, type Authenticate, type RouteSpec } from './route.js';

/** On GET /api/health from a browser: `allowed` or `refused`, for the Origin it sent (see originAllowed). */
export const ORIGIN_HEADER = 'Messenger-Origin';

export interface AppDeps {
  config: Config;
  knex: Knex;
  logger: Logger;
  routes: RouteSpec[];
  authenticate: Authenticate;
  startedAt: number;
  /** Redis for /health: `off` when the node runs without it. */
  redisHealth?: () => Promise<'ok' | 'down' | 'off'>;
  /** Extra middleware mounted before the routes (metrics, for instance). */
  before?: RequestHandler[];
}

const BODY_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () =>
    new AppError('VALIDATION_FAILED', 'the request body is not valid JSON', { details: [{ path: '', message: 'malformed JSON' }] }),
  'entity.too.large': () => new AppError('PAYLOAD_TOO_LARGE', `the request body is larger than ${LIMITS.jsonBodyBytes / 1024} KiB`),
  'encoding.unsupported': () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content encoding'),
  'charset.unsupported': () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be UTF-8 JSON'),
  'request.aborted': () => new AppError('VALIDATION_FAILED', 'the request was aborted'),
  'request.size.invalid': () => new AppError('VALIDATION_FAILED', 'the request body length does not match Content-Length'),
  'stream.encoding.set': () => new AppError('VALIDATION_FAILED', 'invalid request stream'),
};

export async function checkDatabase(knex: Knex, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      knex.raw('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database check timed out')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function webRoot(config: Config): string | undefined {
  const candidates = config.webDir ? [path.resolve(config.webDir)] : [path.resolve('renderer/dist'), path.resolve('dist/renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/**
 * helmet, with the HTTPS-only headers (HSTS, CSP upgrade-insecure-requests) only where they are right: a LAN server
 * reached over plain http would otherwise tell the browser to fetch its own scripts over https (a blank page), and
 * pin https for a year. req.secure honours TRUST_PROXY, so a TLS proxy's X-Forwarded-Proto counts when trusted.
 */
function securityHeaders(config: Config): RequestHandler {
  const directives = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    // blob: for images and files fetched with the bearer token (no public file URLs exist).
    'img-src': ["'self'", 'data:', 'https:', 'blob:'],
    // Socket.IO's websocket to another server needs its ws(s):// twin; 'self' covers our own in current browsers.
    'connect-src': ["'self'", ...config.connectOrigins.flatMap((o) => [o, o.replace(/^http/, 'ws')])],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  };
  const common = { crossOriginResourcePolicy: { policy: 'same-site' as const } };
  const overTls = helmet({
    ...common,
    contentSecurityPolicy: { useDefaults: true, directives: { ...directives, 'upgrade-insecure-requests': [] } },
  });
  const plain = helmet({
    ...common,
    strictTransportSecurity: false,
    // Browsers ignore COOP on an untrustworthy origin and say so in the console; do not send what cannot apply.
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: { useDefaults: true, directives: { ...directives, 'upgrade-insecure-requests': null } },
  });
  return (req, res, next) => (config.httpsHeaders === 'always' || req.secure ? overTls : plain)(req, res, next);
}

export function createApp(deps: AppDeps): express.Express {
  const { config, knex, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      serializers: {
        req: (req: { id: unknown; method: unknown; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use(securityHeaders(config));

  for (const mw of deps.before ?? []) app.use(mw);

  const api = express.Router();
  // Bearer tokens, not cookies, authorise the API, so other origins (the desktop app) may call it; no credentials.
  api.use(
    cors({
      // The desktop app (app://messenger) is always one of them, so restricting CORS_ORIGINS never locks it out.
      origin: config.corsOrigins.length ? [...config.corsOrigins, 'app://messenger'] : true,
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      maxAge: 600,
    }),
  );
  api.use(express.json({ limit: LIMITS.jsonBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }));

  // Health is public and credential-free, so any page may read it; a browser's request also learns whether its
  // origin may use this server (REST and sockets both), so a web client pointed here can say why it cannot.
  api.use('/health', cors({ origin: '*', credentials: false, exposedHeaders: [ORIGIN_HEADER] }), (req, res, next) => {
    if (req.headers.origin) res.setHeader(ORIGIN_HEADER, originAllowed(req, config.corsOrigins) ? 'allowed' : 'refused');
    next();
  });
  api.get('/health', async (_req, res) => {
    const [ok, redis] = await Promise.all([checkDatabase(knex), deps.redisHealth?.() ?? Promise.resolve('off' as const)]);
    // Without its database a node cannot serve (503: take it out of the load balancer); without Redis it serves
    // in degraded mode (node-local presence and rate limits, no cross-node fan-out), so it stays in (200).
    res.status(ok ? 200 : 503).json({
      status: ok && redis !== 'down' ? 'ok' : 'degraded',
      db: ok ? 'ok' : 'down',
      redis,
      version: config.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
  });
  const openapi = buildOpenApi(deps.routes, config.version);
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  mountRoutes(api, deps.routes, deps.authenticate);
  api.use((req: Request) => {
    throw new AppError('NOT_FOUND', `no route for ${req.method} ${req.baseUrl}${req.path}`);
  });
  app.use('/api', api);

  const root = webRoot(config);
  if (root) {
    // Source maps stay out of the build (vite.config.ts); refuse them anyway should an older build still hold some.
    app.get(/\.map$/, (req: Request) => {
      throw new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
    });
    // Precompressed at build time: brotli when the browser takes it, else gzip, else the plain file (Vary set).
    app.use(
      expressStaticGzip(root, {
        enableBrotli: true,
        orderPreference: ['br', 'gzip'],
        index: 'index.html',
        serveStatic: {
          maxAge: '1h',
          setHeaders: (res, file) => {
            const rel = path.relative(root, file).split(path.sep).join('/');
            // Vite names everything under assets/ by content hash: a changed file is a new URL.
            if (rel.startsWith('assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
            else if (/^index\.html(\.br|\.gz)?$/.test(rel)) res.setHeader('Cache-Control', 'no-cache');
          },
        },
      }),
    );
    // Client-side routes fall back to the app shell.
    app.get(/^\/(?!api\/|socket\.io\/|metrics$).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(root, 'index.html'));
    });
  }
  app.use((req: Request) => {
    throw new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const bodyError =
      typeof err === 'object' && err !== null && 'type' in err ? BODY_ERRORS[String((err as { type: unknown }).type)] : undefined;
    let error = bodyError ? bodyError() : toAppError(err);
    if (!bodyError && !(err instanceof AppError) && typeof err === 'object' && err !== null && 'status' in err) {
      const status = Number((err as { status: unknown }).status);
      if (status >= 400 && status < 500) error = new AppError('VALIDATION_FAILED', 'the request could not be read');
    }
    if (error.status >= 500) req.log?.error({ err }, 'request failed');
    if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
    if (res.headersSent) return;
    res.status(error.status).json({ error: error.toBody() });
  };
  app.use(onError);
  return app;
}
