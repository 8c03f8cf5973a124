// Starts the real server on a free port with a fresh database: SQLite in a temp dir, or a new MySQL/MariaDB
// database when DATABASE_URL (or TEST_DATABASE_URL) is set. Every test file gets its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import supertest from 'supertest';
import type { AuthResult } from '../../protocol/types.js';
import { loadConfig, type Config } from '../config.js';
import { mysqlConnection } from '../db/knex.js';
import { createLogger } from '../logger.js';
import { createServer, type ServerHandle } from '../server.js';

export const baseMysqlUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
export const dialectName = baseMysqlUrl ? 'mysql' : 'sqlite';

export interface TestServer {
  url: string;
  server: ServerHandle;
  config: Config;
  api: ReturnType<typeof supertest>;
  register(name?: string, password?: string): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestUser extends AuthResult {
  id: number;
  username: string;
  password: string;
  auth: { Authorization: string };
}

let counter = 0;
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${process.pid}_${counter}_${randomBytes(3).toString('hex')}`.slice(0, 32);
}

export function testEnv(overrides: Record<string, string> = {}): { env: NodeJS.ProcessEnv; cleanup: () => Promise<void> } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'messenger-test-'));
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789abcdef',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT: '1000',
    LOGIN_LOCKOUT_AFTER: '1000',
    REGISTER_RATE_LIMIT: '100000',
    SEND_RATE_BURST: '100000',
    SEND_RATE_PER_SECOND: '100000',
  };
  let dbName: string | undefined;
  // Read now, not at import: a benchmark may choose its database after loading this module.
  const mysqlBase = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
  if (mysqlBase) {
    dbName = `mt_${process.pid}_${randomBytes(4).toString('hex')}`;
    const url = new URL(mysqlBase);
    url.pathname = '/' + dbName;
    env['DATABASE_URL'] = url.toString();
  }
  Object.assign(env, overrides);
  return {
    env,
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName && mysqlBase) await dropMysqlDatabase(mysqlBase, dbName);
    },
  };
}

export async function dropMysqlDatabase(base: string, name: string): Promise<void> {
  const admin = knexFactory({ client: 'mysql2', connection: { ...mysqlConnection(base), database: undefined } });
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
  } finally {
    await admin.destroy();
  }
}

/** `logTo` receives the server's JSON log lines (with LOG_LEVEL in `overrides` to choose how many). */
export async function startTestServer(overrides: Record<string, string> = {}, logTo?: NodeJS.WritableStream): Promise<TestServer> {
  const { env, cleanup } = testEnv(overrides);
  const config = loadConfig(env);
  const server = await createServer(config, { logger: createLogger(config.logLevel, 'json', logTo) });
  const url = await server.listen();
  const api = supertest(url);
  return {
    url,
    server,
    config,
    api,
    async register(name = uniqueName(), password = 'correct horse battery') {
      const res = await api.post('/api/auth/register').send({ username: name, email: `${name}@example.test`, password, displayName: name });
      if (res.status !== 201) throw new Error(`register ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
      const body = res.body as AuthResult;
      return { ...body, id: body.user.id, username: name, password, auth: { Authorization: `Bearer ${body.accessToken}` } };
    },
    async close() {
      await server.close();
      await cleanup();
    },
  };
}
