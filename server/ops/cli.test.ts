// The operator commands in their development form (tsx, as `npm run admin` / `npm run migrate` run them), against the
// database the suite runs on (SQLite by default, MySQL/MariaDB with DATABASE_URL), next to a live server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage } from '../../protocol/types.js';
import { createRoom, send } from '../test/expect.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { connectReady, once } from '../test/sockets.js';
import { baseEnv, repoRoot, run, spawnTimeout } from '../test/processes.js';

const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
let t: TestServer;
let env: NodeJS.ProcessEnv;

const cli = (name: 'admin' | 'migrate', args: string[], extra: { input?: string; env?: Record<string, string> } = {}) =>
  run(tsx, [path.join(repoRoot, `server/cli/${name}.ts`), ...args], {
    env: { ...env, ...extra.env },
    cwd: t.config.dataDir,
    input: extra.input ?? '',
  });

beforeAll(async () => {
  t = await startTestServer();
  env = baseEnv({
    NODE_ENV: 'test',
    DATA_DIR: t.config.dataDir,
    JWT_SECRET: t.config.jwtSecret,
    BCRYPT_ROUNDS: '4',
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
  });
});
afterAll(async () => {
  await t?.close();
});

describe('admin', () => {
  it(
    'create-user (password from the environment), then that user logs in',
    async () => {
      const res = await cli('admin', ['create-user', '--username', 'first_admin', '--email', 'Admin@Example.test'], {
        env: { ADMIN_PASSWORD: 'correct horse battery' },
      });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^created user first_admin \(id \d+, admin@example\.test\)/);
      const login = await t.api.post('/api/auth/login').send({ login: 'first_admin', password: 'correct horse battery' });
      expect(login.status).toBe(200);
      // The command's own registration session was ended; only the login's is live.
      const sessions = await t.api.get('/api/auth/sessions').set({ Authorization: `Bearer ${login.body.accessToken}` });
      expect(sessions.body).toHaveLength(1);
    },
    spawnTimeout(1),
  );

  it(
    'disable-user: login answers 403 ACCOUNT_DISABLED; enable-user undoes it',
    async () => {
      const disabled = await cli('admin', ['disable-user', 'first_admin']);
      expect(disabled.code).toBe(0);
      const refused = await t.api.post('/api/auth/login').send({ login: 'first_admin', password: 'correct horse battery' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
      expect((await cli('admin', ['enable-user', 'first_admin'])).code).toBe(0);
      expect((await t.api.post('/api/auth/login').send({ login: 'first_admin', password: 'correct horse battery' })).status).toBe(200);
    },
    spawnTimeout(2),
  );

  it(
    'headless recovery: make-admin, set-registration, reset-password (a working one-time link), all in the audit log',
    async () => {
      await t.register(); // whoever is first became admin on registration; u must start as a plain user
      const u = await t.register();
      expect(u.user.role).toBe('user');
      const made = await cli('admin', ['make-admin', u.username]);
      expect(made.stderr).toBe('');
      expect((await t.api.get('/api/users/me').set(u.auth)).body.role).toBe('admin');
      expect((await cli('admin', ['set-registration', 'closed'])).code).toBe(0);
      const refused = await t.api
        .post('/api/auth/register')
        .send({ username: 'late_one', email: 'late@example.test', password: 'correct horse battery' });
      expect(refused.body.error.code).toBe('REGISTRATION_CLOSED');
      expect((await cli('admin', ['set-registration', 'open'])).code).toBe(0);
      const reset = await cli('admin', ['reset-password', u.username]);
      const token = /#\/reset-password\/([A-Za-z0-9_-]+)/.exec(reset.stdout)?.[1];
      expect(token, reset.stdout + reset.stderr).toBeTruthy();
      expect((await t.api.post('/api/auth/password-reset').send({ token, newPassword: 'recovered at the shell' })).status).toBe(204);
      expect((await t.api.post('/api/auth/login').send({ login: u.username, password: 'recovered at the shell' })).status).toBe(200);
      const relogin = await t.api.post('/api/auth/login').send({ login: u.username, password: 'recovered at the shell' });
      const audit = await t.api.get('/api/admin/audit').set({ Authorization: `Bearer ${relogin.body.accessToken}` });
      const byCli = (audit.body as { actorName: string; action: string }[]).filter((e) => e.actorName === 'cli').map((e) => e.action);
      // Newest first; disable-user and enable-user above are in the log too.
      expect(byCli.slice(0, 4)).toEqual(['user.password_reset_link', 'settings.registration', 'settings.registration', 'user.role']);
    },
    spawnTimeout(6),
  );

  it(
    'delete-user --delete-messages: the open socket ends, login fails like an unknown user, the messages are tombstones',
    async () => {
      await t.register(); // whoever is first became admin on registration; u must not be the last administrator
      const [u, peer] = [await t.register(), await t.register()];
      const room = await createRoom(t, peer, { name: 'With u', visibility: 'private', memberIds: [u.id] });
      const said = await send(t, u, room.id, 'soon gone');
      const { socket } = await connectReady(t.url, u.accessToken);
      try {
        // Its clock runs while the CLI process starts (slow on a loaded machine).
        const revoked = once(socket, 'session:revoked', 60_000);
        const res = await cli('admin', ['delete-user', u.username, '--delete-messages']);
        expect(res.stderr).toBe('');
        expect(res.stdout).toMatch(/^deleted user /);
        // The CLI signals the running server through the database (its periodic revocation check).
        expect(await revoked).toMatchObject({ code: 'ACCOUNT_DELETED' });
      } finally {
        socket.close();
      }
      const login = await t.api.post('/api/auth/login').send({ login: u.username, password: u.password });
      expect(login.body.error.code).toBe('INVALID_CREDENTIALS');
      // The running server learns of a change made by another process when its short sender cache (5 s) expires.
      await expect
        .poll(
          async () => {
            const page = await t.api.get(`/api/rooms/${room.id}/messages`).set(peer.auth);
            return (page.body as HistoryPage).messages.find((m) => m.id === said.id);
          },
          { timeout: 15_000, interval: 500 },
        )
        .toMatchObject({ body: '', sender: { deleted: true } });
      const again = await cli('admin', ['delete-user', String(u.id)]);
      expect(again.code).toBe(1);
      expect(again.stderr.trim()).toMatch(/^error: NOT_FOUND/);
    },
    spawnTimeout(3),
  );

  it(
    'refuses bad input with one line and a non-zero code, and never echoes the password',
    async () => {
      const weak = await cli('admin', ['create-user', '--username', 'weak_one', '--email', 'w@example.test', '--password-stdin'], {
        input: 'short\n',
      });
      expect(weak.code).toBe(1);
      expect(weak.stderr).toMatch(/^error: VALIDATION_FAILED: .*password/);
      expect(weak.stderr).not.toContain('short');
      const taken = await cli('admin', ['create-user', '--username', 'first_admin', '--email', 'x@example.test', '--password-stdin'], {
        input: 'another long password\n',
      });
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim()).toBe('error: USERNAME_TAKEN: that username is taken');
      const none = await cli('admin', ['create-user', '--username', 'nopass', '--email', 'n@example.test']);
      expect(none.code).toBe(64);
      expect(none.stderr).toContain('--password-stdin');
      const unknown = await cli('admin', ['disable-user', 'nobody_here']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toBe('error: NOT_FOUND: no user nobody_here');
    },
    spawnTimeout(4),
  );
});

describe('migrate', () => {
  it(
    'reports status, and refuses --down-all without --yes',
    async () => {
      const status = await cli('migrate', ['--status']);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/\d+ applied, 0 pending/);
      const up = await cli('migrate', []);
      expect(up.code).toBe(0);
      expect(up.stdout).toContain('already up to date');
      const down = await cli('migrate', ['--down-all']);
      expect(down.code).toBe(64);
      expect(down.stderr).toContain('--yes');
    },
    spawnTimeout(3),
  );
});
