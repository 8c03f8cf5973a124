// Profiles and user search through the REST API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserPublic } from '../../protocol/types.js';
import { startTestServer, uniqueName, type TestServer } from '../test/harness.js';
import { expectError, expectStatus } from '../test/expect.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('users', () => {
  it('GET /users/me returns UserSelf; anonymous is 401', async () => {
    const u = await t.register();
    const res = await t.api.get('/api/users/me').set(u.auth);
    expectStatus(res, 200);
    expect(res.body).toEqual({ ...u.user, online: false });
    expectError(await t.api.get('/api/users/me'), 401, 'UNAUTHENTICATED');
  });

  it('PATCH /users/me updates displayName and avatarUrl (http(s) only, null clears)', async () => {
    const u = await t.register();
    const res = await t.api.patch('/api/users/me').set(u.auth).send({ displayName: '  Zoë  ', avatarUrl: 'https://example.test/a.png' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: u.id, displayName: 'Zoë', avatarUrl: 'https://example.test/a.png', email: u.user.email });
    const cleared = await t.api.patch('/api/users/me').set(u.auth).send({ avatarUrl: null });
    expect(cleared.body).toMatchObject({ displayName: 'Zoë', avatarUrl: null });
    for (const body of [
      {},
      { displayName: '' },
      { displayName: 'x'.repeat(65) },
      { avatarUrl: 'javascript:alert(1)' },
      { avatarUrl: 'ftp://x.test/a' },
      { email: 'new@x.test' },
      { username: 'other' },
    ]) {
      expectError(await t.api.patch('/api/users/me').set(u.auth).send(body), 400, 'VALIDATION_FAILED');
    }
    expect((await t.api.get('/api/users/me').set(u.auth)).body).toMatchObject({ username: u.username, email: u.user.email });
  });

  it('GET /users/:id is UserPublic (no email); unknown 404; malformed 400', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const res = await t.api.get(`/api/users/${b.id}`).set(a.auth);
    expectStatus(res, 200);
    expect(res.body).toEqual({ id: b.id, username: b.username, displayName: b.username, avatarUrl: null, online: false, lastSeenAt: null });
    expectError(await t.api.get('/api/users/999999999').set(a.auth), 404, 'NOT_FOUND');
    for (const id of ['0', '-1', '1.5', 'abc', '1e3', '99999999999999999999'])
      expectError(await t.api.get(`/api/users/${id}`).set(a.auth), 400, 'VALIDATION_FAILED');
    expectError(await t.api.get(`/api/users/${b.id}`), 401);
  });

  it('GET /users searches by username or displayName prefix, case-insensitively; wildcards are literal', async () => {
    const prefix = uniqueName('srch').slice(0, 20);
    const a = await t.register(`${prefix}_alpha`);
    const b = await t.register(`${prefix}_beta`);
    await t.api.patch('/api/users/me').set(b.auth).send({ displayName: 'Zebra Person' });
    const search = async (query: Record<string, string | number>) => {
      const res = await t.api.get('/api/users').query(query).set(a.auth);
      expectStatus(res, 200);
      return (res.body as UserPublic[]).map((u) => u.id);
    };
    expect(await search({ q: prefix })).toEqual([a.id, b.id]);
    expect(await search({ q: prefix.toUpperCase() })).toEqual([a.id, b.id]);
    expect(await search({ q: `${prefix}_b` })).toEqual([b.id]);
    expect(await search({ q: 'zebra pers' })).toContain(b.id);
    expect(await search({ q: prefix, limit: 1 })).toEqual([a.id]);
    expect(await search({ q: prefix.slice(0, 4) + '%' })).toEqual([]);
    expect(await search({ q: prefix, online: 'true' })).toEqual([]);
    expect((await search({ q: prefix, online: 'false' })).length).toBe(2);
    for (const query of [{ limit: 0 }, { limit: 101 }, { online: 'yes' }, { q: 'x'.repeat(51) }, { other: 1 }]) {
      expectError(await t.api.get('/api/users').query(query).set(a.auth), 400, 'VALIDATION_FAILED');
    }
    const res = await t.api.get(`/api/users?q=${prefix}`).set(a.auth);
    expect(res.body[0]).not.toHaveProperty('email');
  });

  it('GET /users?ids= returns the current profiles of those users (disabled ones too), unknown ids left out', async () => {
    const [a, b, c] = [await t.register(), await t.register(), await t.register()];
    await t.api.patch('/api/users/me').set(b.auth).send({ displayName: 'Renamed Meanwhile' });
    await t.server.services.auth.setAccountStatus(c.id, 'disabled');
    const res = await t.api
      .get('/api/users')
      .query({ ids: `${c.id},${b.id},999999999,${b.id}` })
      .set(a.auth);
    expectStatus(res, 200);
    const users = res.body as UserPublic[];
    expect(users.map((u) => u.id)).toEqual([b.id, c.id]);
    expect(users[0]).toMatchObject({ id: b.id, displayName: 'Renamed Meanwhile' });
    expect(users[0]).not.toHaveProperty('email');
    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    for (const ids of ['', 'a', '1,,2', '0', '-1', '1.5', many, '99999999999999999']) {
      expectError(await t.api.get('/api/users').query({ ids }).set(a.auth), 400, 'VALIDATION_FAILED');
    }
    expectError(
      await t.api
        .get('/api/users')
        .query({ ids: `${b.id}`, q: 'x' })
        .set(a.auth),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await t.api.get('/api/users').query({ ids: `${b.id}` }), 401, 'UNAUTHENTICATED');
  });
});
