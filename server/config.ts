// The one configuration module: environment (plus an optional .env), validated at start-up.
// Everything else reads the typed Config object it returns.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** "15m", "30d", "900" (seconds) -> seconds. */
function duration(name: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const m = DURATION.exec(raw.trim());
      const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? 's']! : NaN;
      if (!Number.isFinite(seconds) || seconds < 1) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a duration such as 900s, 15m, 12h or 30d` });
        return z.NEVER;
      }
      return Math.floor(seconds);
    });
}

function int(name: string, fallback: number, min: number, max: number) {
  return z
    .string()
    .default(String(fallback))
    .transform((raw, ctx) => {
      const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int('PORT', 8080, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  LISTEN_BACKLOG: int('LISTEN_BACKLOG', 65_535, 1, 1_000_000),
  DATABASE_URL: optionalString.refine((u) => u === undefined || /^mysql2?:\/\/[^/]+\/[^/?]+/.test(u), {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/database (or be unset for the embedded database)',
  }),
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: optionalString.refine((s) => s === undefined || s.length >= 32, {
    message: 'JWT_SECRET must be at least 32 characters (generate one with: openssl rand -base64 48)',
  }),
  ACCESS_TOKEN_TTL: duration('ACCESS_TOKEN_TTL', '15m'),
  REFRESH_TOKEN_TTL: duration('REFRESH_TOKEN_TTL', '30d'),
  BCRYPT_ROUNDS: int('BCRYPT_ROUNDS', 12, 4, 15),
  CORS_ORIGINS: optionalString.transform((s) =>
    s
      ? s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
  ),
  CONNECT_ORIGINS: optionalString.transform((s, ctx) => {
    const list = (s ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of list) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
        ctx.addIssue({ code: 'custom', message: `CONNECT_ORIGINS must be origins such as https://chat.example.com (got ${origin})` });
        return z.NEVER;
      }
    }
    return list;
  }),
  REDIS_URL: optionalString.refine((u) => u === undefined || /^rediss?:\/\//.test(u), {
    message: 'REDIS_URL must look like redis://host:6379',
  }),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'REDIS_PREFIX may contain only letters, digits and _ . : -')
    .default('messenger'),
  REDIS_TIMEOUT_MS: int('REDIS_TIMEOUT_MS', 1000, 50, 60_000),
  REDIS_STARTUP_WAIT_SECONDS: int('REDIS_STARTUP_WAIT_SECONDS', 10, 0, 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOGIN_RATE_LIMIT: int('LOGIN_RATE_LIMIT', 10, 1, 1_000_000),
  REGISTER_RATE_LIMIT: int('REGISTER_RATE_LIMIT', 20, 1, 1_000_000),
  SEND_RATE_BURST: int('SEND_RATE_BURST', 30, 1, 1_000_000),
  SEND_RATE_PER_SECOND: int('SEND_RATE_PER_SECOND', 10, 1, 1_000_000),
  SOCKET_EVENT_RATE: int('SOCKET_EVENT_RATE', 50, 1, 1_000_000),
  SOCKET_EVENT_BURST: int('SOCKET_EVENT_BURST', 100, 1, 1_000_000),
  MAX_SOCKETS_PER_USER: int('MAX_SOCKETS_PER_USER', 20, 1, 10_000),
  REFRESH_GRACE_SECONDS: int('REFRESH_GRACE_SECONDS', 60, 0, 3600),
  REVOCATION_CHECK_MS: int('REVOCATION_CHECK_MS', 1000, 100, 10_000),
  SOCKET_SETUP_TIMEOUT_MS: int('SOCKET_SETUP_TIMEOUT_MS', 5000, 200, 60_000),
  SOCKET_SETUP_CONCURRENCY: int('SOCKET_SETUP_CONCURRENCY', 256, 1, 100_000),
  SOCKET_SETUP_QUEUE: int('SOCKET_SETUP_QUEUE', 10_000, 0, 1_000_000),
  SOCKET_SETUP_WAIT_MS: int('SOCKET_SETUP_WAIT_MS', 10_000, 100, 40_000),
  TRUST_PROXY: z
    .enum(['true', 'false', '0', '1', '2', '3'])
    .default('false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
  HTTPS_HEADERS: z.enum(['auto', 'always']).default('auto'),
  DB_POOL_MAX: int('DB_POOL_MAX', 10, 1, 200),
  METRICS_TOKEN: optionalString.refine((s) => s === undefined || s.length >= 16, {
    message: 'METRICS_TOKEN must be at least 16 characters (generate one with: openssl rand -hex 24)',
  }),
  WEB_DIR: optionalString,
  REGISTRATION: z.enum(['open', 'invite', 'closed'], { message: 'REGISTRATION must be open, invite or closed' }).default('open'),
  PASSWORD_RESET_TTL: duration('PASSWORD_RESET_TTL', '1h'),
  PUBLIC_URL: optionalString.refine((u) => u === undefined || /^https?:\/\/[^/]+/.test(u), {
    message: 'PUBLIC_URL must look like https://chat.example.com (the address users open)',
  }),
  SMTP_URL: optionalString.refine((u) => u === undefined || /^smtps?:\/\/[^/]+/.test(u), {
    message: 'SMTP_URL must look like smtp://user:pass@mail.example.com:587 or smtps://mail.example.com:465',
  }),
  SMTP_FROM: optionalString,
  EMAIL_VERIFICATION: z
    .enum(['off', 'optional', 'required'], { message: 'EMAIL_VERIFICATION must be off, optional or required' })
    .optional(),
  EMAIL_VERIFICATION_TTL: duration('EMAIL_VERIFICATION_TTL', '48h'),
  EMAIL_RATE_LIMIT: int('EMAIL_RATE_LIMIT', 5, 1, 1_000_000),
  LOGIN_LOCKOUT_AFTER: int('LOGIN_LOCKOUT_AFTER', 5, 1, 1_000_000),
  LOGIN_LOCKOUT_MAX: duration('LOGIN_LOCKOUT_MAX', '15m'),
  UPLOAD_MAX_BYTES: int('UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1, 2 ** 40),
  UPLOAD_QUOTA_BYTES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      if (!/^\d+$/.test(raw.trim()) || Number(raw.trim()) < 1 || Number(raw.trim()) > 2 ** 50) {
        ctx.addIssue({ code: 'custom', message: 'UPLOAD_QUOTA_BYTES must be a positive number of bytes (or unset for no quota)' });
        return z.NEVER;
      }
      return Number(raw.trim());
    }),
  UPLOAD_RATE_LIMIT: int('UPLOAD_RATE_LIMIT', 60, 1, 1_000_000),
  S3_BUCKET: optionalString,
  S3_PREFIX: optionalString,
  S3_REGION: optionalString,
  S3_ENDPOINT: optionalString.refine((u) => u === undefined || /^https?:\/\/[^/]+/.test(u), {
    message: 'S3_ENDPOINT must look like https://s3.example.com or http://minio:9000',
  }),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /**
   * Connections the kernel may hold for the server before it accepts them (listen(2)'s backlog; Linux caps it at
   * net.core.somaxconn, 4096 by default). Node's own default, 511, overflows when a restarted node's clients all come
   * back at once: the kernel then drops their SYNs, and each retries only after TCP's 1, 3, 7, 15 s... timeouts.
   */
  listenBacklog: number;
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  bcryptRounds: number;
  corsOrigins: string[];
  /** Other messenger servers the web client served here may sign in to (added to CSP connect-src). */
  connectOrigins: string[];
  redisUrl: string | undefined;
  /** Namespaces every Redis key and stream, so several deployments (or test servers) can share one Redis. */
  redisPrefix: string;
  /** Longest any Redis command may take before the caller falls back to node-local behaviour. */
  redisTimeoutMs: number;
  /** How long start-up waits for an unreachable Redis before serving in degraded mode. */
  redisStartupWaitSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'json' | 'pretty';
  loginRateLimit: number;
  registerRateLimit: number;
  sendRateBurst: number;
  sendRatePerSecond: number;
  /** Per-socket budget for all client->server socket events (events per second, and burst). */
  socketEventRate: number;
  socketEventBurst: number;
  /** Open sockets per user on one node; more are refused with connect_error TOO_MANY_SOCKETS. */
  maxSocketsPerUser: number;
  /** A spent refresh token presented again within this time returns the same successor (0 = off). */
  refreshGraceSeconds: number;
  /** How often each node reads the sessions revoked since its last look (the safety net under the pub/sub signal). */
  revocationCheckMs: number;
  /** A socket handshake whose database work takes longer is refused with the retryable SERVICE_UNAVAILABLE. */
  socketSetupTimeoutMs: number;
  /**
   * Admission control: socket set-ups (handshake to session:ready) running at once, and how many more may wait for a
   * slot, each for at most `socketSetupWaitMs`; the rest are refused at once with SERVICE_UNAVAILABLE and a
   * `retryAfterMs` hint (docs/PROTOCOL.md). A waiting handshake costs its open connection and nothing else, while a
   * refused one has cost most of a handshake and comes back: after a restart, waiting is the cheaper way through.
   */
  socketSetupConcurrency: number;
  socketSetupQueue: number;
  socketSetupWaitMs: number;
  trustProxy: number;
  /**
   * When HSTS and CSP upgrade-insecure-requests are sent: 'auto' = only on requests that came over TLS (directly, or
   * through a proxy trusted by TRUST_PROXY); 'always' = on every response (TLS terminated by a proxy we cannot see).
   */
  httpsHeaders: 'auto' | 'always';
  dbPoolMax: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; unset = open (keep it off the public proxy). */
  metricsToken: string | undefined;
  /** Folder of the built web client served at `/`; unset = renderer/dist when it exists. */
  webDir: string | undefined;
  /** Registration mode until an administrator changes it (the settings table then wins, on every node). */
  registration: 'open' | 'invite' | 'closed';
  /** Lifetime of a one-time password-reset link. */
  passwordResetTtl: number;
  /** The address users open, for links the server hands out; unset = the address of the request. */
  publicUrl: string | undefined;
  /** Email (nodemailer): undefined = no email features. `from` is the sender of every message. */
  smtp: { url: string; from: string } | undefined;
  /** Whether a new address must be confirmed by a link before the account can log in ('off' without SMTP). */
  emailVerification: 'off' | 'optional' | 'required';
  /** Lifetime of an email verification link. */
  emailVerificationTtl: number;
  /** Emails (reset and verification requests) per address per hour; ten times as many per client address. */
  emailRateLimit: number;
  /** Wrong passwords for one account (from anywhere) before it waits 1 s, then 2 s, 4 s ... up to loginLockoutMax. */
  loginLockoutAfter: number;
  /** The longest wait (seconds) a run of wrong passwords can impose on an account. */
  loginLockoutMax: number;
  /** Largest upload in bytes (UPLOAD_MAX_BYTES, default 25 MiB). */
  uploadMaxBytes: number;
  /** Bytes of uploads one user may hold; undefined = no quota. */
  uploadQuotaBytes: number | undefined;
  /** Uploads per user per minute. */
  uploadRateLimit: number;
  /** An S3-compatible object store for files (several replicas); undefined = the folder DATA_DIR/files. */
  s3:
    | {
        bucket: string;
        prefix: string;
        region: string;
        endpoint: string | undefined;
        forcePathStyle: boolean;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
      }
    | undefined;
  version: string;
}

export class ConfigError extends Error {}

/** Reads `.env` from the working directory into process.env without overriding what is already set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      return pkg.version ?? '0.0.0';
    } catch {
      return '0.0.0';
    }
  }
}

/** In development a secret is generated once and kept in DATA_DIR so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Validates the environment. Throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const message = issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
    throw new ConfigError(`Invalid configuration: ${message}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET is required when NODE_ENV=production (generate one with: openssl rand -base64 48)',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const s3Named = [e.S3_PREFIX, e.S3_REGION, e.S3_ENDPOINT, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY].some((v) => v !== undefined);
  if (!e.S3_BUCKET && s3Named) throw new ConfigError('Invalid configuration: S3_BUCKET is required when any other S3_* variable is set');
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError(
      'Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or neither, for the default AWS credential chain)',
    );
  }
  if (!e.SMTP_URL && e.EMAIL_VERIFICATION && e.EMAIL_VERIFICATION !== 'off') {
    throw new ConfigError(
      `Invalid configuration: EMAIL_VERIFICATION=${e.EMAIL_VERIFICATION} needs SMTP_URL (no email can be sent without it)`,
    );
  }
  const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, '');
  if (e.SMTP_URL && !publicUrl && e.NODE_ENV === 'production') {
    // Links in emails are sent to people who did not make the request: built from its Host header, anyone could
    // have a victim's reset link point at their own site. In development the request's address is used.
    throw new ConfigError('Invalid configuration: SMTP_URL needs PUBLIC_URL when NODE_ENV=production (the address in emailed links)');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    listenBacklog: e.LISTEN_BACKLOG,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    jwtSecret: e.JWT_SECRET ?? developmentSecret(dataDir),
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    bcryptRounds: e.BCRYPT_ROUNDS,
    corsOrigins: e.CORS_ORIGINS,
    connectOrigins: e.CONNECT_ORIGINS,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    redisStartupWaitSeconds: e.REDIS_STARTUP_WAIT_SECONDS,
    logLevel: e.LOG_LEVEL,
    // Readable lines for a developer at a terminal; JSON for everything that collects logs.
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' && process.stdout.isTTY === true ? 'pretty' : 'json'),
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    registerRateLimit: e.REGISTER_RATE_LIMIT,
    sendRateBurst: e.SEND_RATE_BURST,
    sendRatePerSecond: e.SEND_RATE_PER_SECOND,
    socketEventRate: e.SOCKET_EVENT_RATE,
    socketEventBurst: e.SOCKET_EVENT_BURST,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    refreshGraceSeconds: e.REFRESH_GRACE_SECONDS,
    revocationCheckMs: e.REVOCATION_CHECK_MS,
    socketSetupTimeoutMs: e.SOCKET_SETUP_TIMEOUT_MS,
    socketSetupConcurrency: e.SOCKET_SETUP_CONCURRENCY,
    socketSetupQueue: e.SOCKET_SETUP_QUEUE,
    socketSetupWaitMs: e.SOCKET_SETUP_WAIT_MS,
    trustProxy: e.TRUST_PROXY,
    httpsHeaders: e.HTTPS_HEADERS,
    dbPoolMax: e.DB_POOL_MAX,
    metricsToken: e.METRICS_TOKEN,
    webDir: e.WEB_DIR,
    registration: e.REGISTRATION,
    passwordResetTtl: e.PASSWORD_RESET_TTL,
    publicUrl,
    smtp: e.SMTP_URL
      ? { url: e.SMTP_URL, from: e.SMTP_FROM ?? `Messenger <no-reply@${publicUrl ? new URL(publicUrl).hostname : 'localhost'}>` }
      : undefined,
    emailVerification: e.SMTP_URL ? (e.EMAIL_VERIFICATION ?? 'optional') : 'off',
    emailVerificationTtl: e.EMAIL_VERIFICATION_TTL,
    emailRateLimit: e.EMAIL_RATE_LIMIT,
    loginLockoutAfter: e.LOGIN_LOCKOUT_AFTER,
    loginLockoutMax: e.LOGIN_LOCKOUT_MAX,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploadQuotaBytes: e.UPLOAD_QUOTA_BYTES,
    uploadRateLimit: e.UPLOAD_RATE_LIMIT,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          prefix: e.S3_PREFIX ?? '',
          region: e.S3_REGION ?? 'us-east-1',
          endpoint: e.S3_ENDPOINT,
          // MinIO and most self-hosted stores serve buckets as paths; AWS prefers virtual hosts.
          forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : e.S3_ENDPOINT !== undefined,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        }
      : undefined,
    version: readVersion(),
  };
}
