// Auth events are logged at info as structured records an operator can search (event, user, session, client
// address), and no password or token ever reaches the log.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../protocol/types.js';
import { startTestServer, type TestServer } from '../test/harness.js';

let t: TestServer;
let text = '';
beforeAll(async () => {
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  t = await startTestServer({ LOG_LEVEL: 'info' }, out);
});
afterAll(async () => {
  await t?.close();
});

interface Record {
  level: number;
  event?: string;
  userId?: number | null;
  address?: string;
  code?: string;
  sessions?: number[];
}

const records = (): Record[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record);

describe('auth event log', () => {
  it('registration, login ok and failed (with the address), password change, revocation and disable', async () => {
    const u = await t.register(undefined, 'first secret password');
    const failed = await t.api.post('/api/auth/login').send({ login: u.username, password: 'a wrong password value' });
    expect(failed.status).toBe(401);
    const ok = await t.api.post('/api/auth/login').send({ login: u.username, password: 'first secret password' });
    expect(ok.status).toBe(200);
    const second = ok.body as AuthResult;
    const changed = await t.api
      .post('/api/users/me/password')
      .set(u.auth)
      .send({ currentPassword: 'first secret password', newPassword: 'second secret password' });
    expect(changed.status).toBe(204);
    await t.server.services.auth.setAccountStatus(u.id, 'disabled');
    await new Promise((r) => setImmediate(r));

    const mine = records().filter((r) => r.userId === u.id && r.event?.startsWith('auth.'));
    const byEvent = (e: string) => mine.filter((r) => r.event === e);
    for (const r of mine) expect(r.level).toBe(30);
    expect(byEvent('auth.registered')[0]).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1/) });
    expect(byEvent('auth.login_failed')[0]).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1/) });
    expect(byEvent('auth.login')[0]).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1/) });
    expect(byEvent('auth.password_changed')).toHaveLength(1);
    expect(byEvent('auth.revoked')).toContainEqual(expect.objectContaining({ code: 'PASSWORD_CHANGED' }));
    expect(byEvent('auth.account_disabled')).toHaveLength(1);

    for (const secret of [
      'first secret password',
      'a wrong password value',
      'second secret password',
      u.refreshToken,
      u.accessToken,
      second.refreshToken,
      second.accessToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
