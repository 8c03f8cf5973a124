// The production start-up, as the container runs it: `npm run build`, then `node dist/server/main.js` with
// NODE_ENV=production against MariaDB (standing in for MySQL 8). Also the operator commands from the build, and
// the promise that no password, token or message body ever reaches the logs (LOG_LEVEL=debug, the most verbose).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnection } from '../db/knex.js';
import { migrations } from '../../migrations/index.js';
import { dropMysqlDatabase } from '../test/harness.js';
import {
  baseEnv,
  buildOnce,
  distCli,
  distMain,
  freePort,
  run,
  spawnTimeout,
  start,
  stop,
  waitForHealth,
  type Running,
} from '../test/processes.js';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const JWT_SECRET = randomBytes(48).toString('base64');
const dbName = `mprod_${process.pid}_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const u = new URL(baseUrl);
  u.pathname = '/' + dbName;
  return u.toString();
})();

let workDir: string;
let port: number;
let server: Running;
let api: ReturnType<typeof supertest>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  buildOnce();
  // A working directory of its own: no developer .env is picked up, and DATA_DIR starts empty.
  workDir = mkdtempSync(path.join(tmpdir(), 'messenger-prod-'));
  port = await freePort();
  env = baseEnv({
    NODE_ENV: 'production',
    JWT_SECRET,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: path.join(workDir, 'data'),
    LOG_LEVEL: 'debug',
  });
  server = start('node', [distMain], { env, cwd: workDir });
  await waitForHealth(`http://127.0.0.1:${port}/api/health`, server, 60_000);
  api = supertest(`http://127.0.0.1:${port}`);
}, 360_000);

afterAll(async () => {
  if (server) await stop(server);
  await dropMysqlDatabase(baseUrl, dbName).catch(() => undefined);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('production start-up: node dist/server/main.js with NODE_ENV=production on MariaDB', () => {
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const body = `secret message body ${randomBytes(9).toString('hex')}`;
  const secrets: string[] = [password, body];

  it('created the database, applied every migration, and answers health', async () => {
    const knex = knexFactory({ client: 'mysql2', connection: mysqlConnection(databaseUrl) });
    try {
      const rows = (await knex('knex_migrations').select('name')) as { name: string }[];
      expect(rows.map((r) => r.name).sort()).toEqual(migrations.map((m) => m.name).sort());
    } finally {
      await knex.destroy();
    }
    const health = await api.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', db: 'ok', version: expect.any(String) });
  });

  it('registers, logs in, and sends a message over REST; nothing secret is logged', async () => {
    const username = `prod_${randomBytes(4).toString('hex')}`;
    const reg = await api.post('/api/auth/register').send({ username, email: `${username}@example.test`, password });
    expect(reg.status).toBe(201);
    secrets.push(reg.body.accessToken, reg.body.refreshToken);

    const wrong = await api.post('/api/auth/login').send({ login: username, password: password + 'x' });
    expect(wrong.status).toBe(401);
    const login = await api.post('/api/auth/login').send({ login: username, password, deviceName: 'prod test' });
    expect(login.status).toBe(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    secrets.push(login.body.accessToken, login.body.refreshToken);

    const room = await api.post('/api/rooms').set(auth).send({ name: 'Ops', visibility: 'private' });
    expect(room.status).toBe(201);
    const sent = await api.post(`/api/rooms/${room.body.id}/messages`).set(auth).send({ clientId: 'prod-1', body });
    expect(sent.status).toBe(201);
    const history = await api.get(`/api/rooms/${room.body.id}/messages`).set(auth);
    expect(history.body.messages).toMatchObject([
      { seq: 1, kind: 'system' },
      { seq: 2, body },
    ]);

    // Invalid input echoes nothing of itself either.
    expect(
      (
        await api
          .post(`/api/rooms/${room.body.id}/messages`)
          .set(auth)
          .send({ clientId: 'prod-2', body: body + ' '.repeat(5000) + 'x' })
      ).status,
    ).toBe(400);
    const refreshed = await api.post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);

    const logs = server.output();
    const lines = logs.split('\n').filter((l) => l.trim() !== '');
    // Structured JSON, one object a line, each request with its id.
    const entries = lines.map((l) => JSON.parse(l) as { level: number; req?: { id?: string; url?: string }; msg?: string });
    const requestLogs = entries.filter((e) => e.req?.url?.startsWith('/api/'));
    expect(requestLogs.length).toBeGreaterThan(5);
    for (const e of requestLogs) expect(e.req?.id).toMatch(/^[\w-]+$/);
    expect(entries.some((e) => e.level === 20)).toBe(true); // debug really was on
    for (const secret of secrets) {
      expect(typeof secret).toBe('string');
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain('secret message body');
  });

  it(
    'runs the operator commands from the build: migrate --status, admin create-user / disable-user / enable-user',
    async () => {
      const status = await run('node', [distCli('migrate'), '--status'], { env, cwd: workDir });
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`${migrations.length} applied, 0 pending`);

      const adminPassword = `admin-${randomBytes(9).toString('hex')}`;
      const username = `op_${randomBytes(4).toString('hex')}`;
      const created = await run(
        'node',
        [
          distCli('admin'),
          'create-user',
          '--username',
          username,
          '--email',
          `${username}@example.test`,
          '--display-name',
          'The Operator',
          '--password-stdin',
        ],
        {
          env,
          cwd: workDir,
          input: adminPassword + '\n',
        },
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(new RegExp(`^created user ${username} \\(id \\d+`));

      const login = await api.post('/api/auth/login').send({ login: username, password: adminPassword });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ username, displayName: 'The Operator' });
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      expect((await api.get('/api/users/me').set(auth)).status).toBe(200);

      const disabled = await run('node', [distCli('admin'), 'disable-user', username], { env, cwd: workDir });
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).toContain(`disabled user ${username}`);
      const refused = await api.post('/api/auth/login').send({ login: username, password: adminPassword });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
      // Its live session ended too: the access token it already holds no longer works.
      expect([401, 403]).toContain((await api.get('/api/users/me').set(auth)).status);
      expect((await api.post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken })).status).toBeGreaterThanOrEqual(401);

      const enabled = await run('node', [distCli('admin'), 'enable-user', username], { env, cwd: workDir });
      expect(enabled.code).toBe(0);
      expect((await api.post('/api/auth/login').send({ login: username, password: adminPassword })).status).toBe(200);

      const listed = await run('node', [distCli('admin'), 'list-users', '--json'], { env, cwd: workDir });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ username, status: 'active' })]));
      expect(server.output()).not.toContain(adminPassword);
    },
    spawnTimeout(5),
  );

  it('stops on SIGTERM with exit code 0 well within 10 s', async () => {
    const began = Date.now();
    const result = await stop(server);
    expect(result).toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(server.output()).toContain('shutting down');
  });
});

describe('production start-up without JWT_SECRET', () => {
  it(
    'refuses to start, exits non-zero, and names the variable in one line',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'messenger-prod-'));
      try {
        const res = await run('node', [distMain], {
          env: baseEnv({
            NODE_ENV: 'production',
            PORT: String(await freePort()),
            HOST: '127.0.0.1',
            DATABASE_URL: databaseUrl,
            DATA_DIR: path.join(dir, 'data'),
          }),
          cwd: dir,
          timeoutMs: 60_000,
        });
        expect(res.code).not.toBe(0);
        expect(res.code).not.toBeNull();
        const lines = res.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain('JWT_SECRET');
        expect(res.stdout).toBe('');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    spawnTimeout(1),
  );
});
