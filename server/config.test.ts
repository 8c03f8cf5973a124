// Configuration: every bad value stops start-up with one clear line naming the variable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { spawnTimeout } from './test/processes.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'messenger-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const base = { DATA_DIR: dataDir };

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('defaults', () => {
    const c = loadConfig({ ...base });
    expect(c).toMatchObject({
      env: 'development',
      port: 8080,
      databaseUrl: undefined,
      accessTokenTtl: 900,
      refreshTokenTtl: 30 * 86400,
      bcryptRounds: 12,
      corsOrigins: [],
      loginRateLimit: 10,
      registerRateLimit: 20,
      sendRateBurst: 30,
      sendRatePerSecond: 10,
      trustProxy: 0,
      maxSocketsPerUser: 20,
      refreshGraceSeconds: 60,
      revocationCheckMs: 1000,
      socketSetupTimeoutMs: 5000,
      httpsHeaders: 'auto',
      connectOrigins: [],
    });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('a development secret is generated once and kept in DATA_DIR', () => {
    const first = loadConfig({ ...base }).jwtSecret;
    expect(loadConfig({ ...base }).jwtSecret).toBe(first);
    expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first);
  });

  it('parses durations, lists and numbers', () => {
    const c = loadConfig({
      ...base,
      ACCESS_TOKEN_TTL: '90s',
      REFRESH_TOKEN_TTL: '12h',
      PORT: '0',
      CORS_ORIGINS: 'https://a.test, https://b.test',
      DATABASE_URL: 'mysql://u:p@db:3306/messenger',
      TRUST_PROXY: '2',
    });
    expect(c).toMatchObject({
      accessTokenTtl: 90,
      refreshTokenTtl: 43200,
      port: 0,
      corsOrigins: ['https://a.test', 'https://b.test'],
      databaseUrl: 'mysql://u:p@db:3306/messenger',
      trustProxy: 2,
    });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['BCRYPT_ROUNDS', '3'],
    ['BCRYPT_ROUNDS', '16'],
    ['BCRYPT_ROUNDS', '12.5'],
    ['ACCESS_TOKEN_TTL', 'soon'],
    ['ACCESS_TOKEN_TTL', '0s'],
    ['REFRESH_TOKEN_TTL', '30 days'],
    ['DATABASE_URL', 'postgres://x/y'],
    ['HTTPS_HEADERS', 'yes'],
    ['CONNECT_ORIGINS', 'chat.example.com'],
    ['CONNECT_ORIGINS', 'https://chat.example.com/path'],
    ['DATABASE_URL', 'mysql://host-without-db'],
    ['JWT_SECRET', 'too-short'],
    ['REDIS_URL', 'localhost:6379'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['NODE_ENV', 'staging'],
    ['LOGIN_RATE_LIMIT', '0'],
    ['REGISTER_RATE_LIMIT', 'many'],
    ['SEND_RATE_BURST', '-5'],
    ['SEND_RATE_PER_SECOND', '1e3'],
    ['TRUST_PROXY', 'yes'],
    ['DB_POOL_MAX', '0'],
    ['MAX_SOCKETS_PER_USER', '0'],
    ['REFRESH_GRACE_SECONDS', '3601'],
    ['REFRESH_GRACE_SECONDS', '1m'],
    ['REVOCATION_CHECK_MS', '50'],
    ['REVOCATION_CHECK_MS', '20000'],
    ['SOCKET_SETUP_TIMEOUT_MS', 'soon'],
    ['SMTP_URL', 'mail.example.com:587'],
    ['EMAIL_VERIFICATION', 'sometimes'],
    ['EMAIL_VERIFICATION', 'required'], // without SMTP_URL
    ['LOGIN_LOCKOUT_AFTER', '0'],
    ['LOGIN_LOCKOUT_MAX', 'forever'],
  ])('%s=%s stops start-up with one line naming it', (name, value) => {
    const message = configError({ [name]: value });
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/ZodError|\{|\[/);
  });

  it('logs JSON unless pretty is asked for (or a developer runs it at a terminal)', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).logFormat).toBe('json');
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ ...base, LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('email: off without SMTP_URL; verification optional by default with it; production links need PUBLIC_URL', () => {
    expect(loadConfig(base)).toMatchObject({ smtp: undefined, emailVerification: 'off' });
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://mail.test:25', PUBLIC_URL: 'https://chat.example.com/' })).toMatchObject({
      smtp: { url: 'smtp://mail.test:25', from: 'Messenger <no-reply@chat.example.com>' },
      emailVerification: 'optional',
    });
    const production = { ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SMTP_URL: 'smtps://mail.test' };
    expect(configError(production)).toMatch(/SMTP_URL needs PUBLIC_URL/);
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://chat.example.com' }).smtp).toBeDefined();
  });

  it('production needs JWT_SECRET', () => {
    expect(configError({ NODE_ENV: 'production' })).toMatch(/JWT_SECRET/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toBe('x'.repeat(32));
  });

  it(
    'the real entry point exits non-zero with one line naming JWT_SECRET',
    () => {
      const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
      // Run from an empty directory so no .env is read; only PATH and HOME from the outside.
      const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'server', 'main.ts')], {
        cwd: dataDir,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? dataDir,
          NODE_ENV: 'production',
          DATA_DIR: dataDir,
          PORT: '0',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).not.toBe(0);
      expect(result.status).not.toBeNull();
      const lines = result.stderr.trim().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/JWT_SECRET/);
      expect(result.stdout).not.toMatch(/listening/);
    },
    spawnTimeout(1),
  );
});
