// The error contract at the HTTP edge: unknown routes, malformed and oversized bodies, media types, security
// headers, no leaked internals, the OpenAPI document, and 503 when the database goes away.
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../protocol/errors.js';
import { baseMysqlUrl, dialectName, dropMysqlDatabase, startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { createRoom, expectError, expectNoLeak, expectStatus } from '../test/expect.js';

let t: TestServer;
let u: TestUser;
beforeAll(async () => {
  // No web build, so paths outside /api are unknown too (with one, they fall back to the app shell).
  t = await startTestServer({ WEB_DIR: '/nonexistent/web-build' });
  u = await t.register();
});
afterAll(async () => {
  await t?.close();
});

describe('errors', () => {
  it('unknown routes are 404 JSON, inside and outside /api, whatever the method', async () => {
    for (const [method, path] of [
      ['get', '/api/nope'],
      ['post', '/api/rooms/1/nope'],
      ['put', '/api/users/me'],
      ['get', '/nope'],
      ['delete', '/api'],
      ['get', '/api/'],
    ] as const) {
      const res = await t.api[method](path).set(u.auth);
      expectError(res, 404, 'NOT_FOUND');
      expectNoLeak(res.body);
    }
  });

  it('malformed JSON is 400 VALIDATION_FAILED', async () => {
    for (const text of ['{', '{"name":}', "{'a':1}", 'nul', '{"a":1}}', '\u0000']) {
      const res = await t.api.post('/api/rooms').set(u.auth).set('Content-Type', 'application/json').send(text);
      expectError(res, 400, 'VALIDATION_FAILED');
      expectNoLeak(res.body);
    }
  });

  it('a body that is JSON but not an object is 400', async () => {
    for (const text of ['[]', '"x"', '1', 'null', 'true']) {
      const res = await t.api.post('/api/rooms').set(u.auth).set('Content-Type', 'application/json').send(text);
      expectError(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('a body over 64 KiB is 413 PAYLOAD_TOO_LARGE; just under is read', async () => {
    const big = JSON.stringify({ name: 'x', visibility: 'private', description: 'd'.repeat(64 * 1024) });
    expectError(await t.api.post('/api/rooms').set(u.auth).set('Content-Type', 'application/json').send(big), 413, 'PAYLOAD_TOO_LARGE');
    const justUnder = JSON.stringify({ name: 'x', visibility: 'private', description: 'd'.repeat(60 * 1024) });
    // Read, then refused for the description's length: the body limit is not what stops it.
    expectError(
      await t.api.post('/api/rooms').set(u.auth).set('Content-Type', 'application/json').send(justUnder),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('a body route refuses other media types with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await t.api.post('/api/rooms').set(u.auth).set('Content-Type', type).send('name=x&visibility=private');
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expectError(
      await t.api.post('/api/rooms').set(u.auth).set('Content-Type', 'application/json; charset=latin1').send('{}'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('reaction and settings errors carry codes and details, never prose to parse', async () => {
    const room = await createRoom(t, u);
    const sent = await t.api.post(`/api/rooms/${room.id}/messages`).set(u.auth).send({ clientId: 'err-react', body: 'x' });
    for (const emoji of ['nope', '👍👍', '%F0']) {
      const res = await t.api
        .put(`/api/messages/${sent.body.id}/reactions/${emoji === '%F0' ? emoji : encodeURIComponent(emoji)}`)
        .set(u.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expectNoLeak(res.body);
    }
    const bad = await t.api.put(`/api/messages/${sent.body.id}/reactions/x`).set(u.auth);
    expect(bad.body.error.details).toEqual([{ path: 'emoji', message: expect.any(String) }]);
    for (const body of [{}, { notify: 'loud' }, { notify: 'all', muted: false }, { muted: 'yes' }]) {
      expectError(await t.api.put(`/api/rooms/${room.id}/settings`).set(u.auth).send(body), 400, 'VALIDATION_FAILED');
    }
  });

  it('every code is sent with its documented status', async () => {
    const samples = [
      await t.api.get('/api/users/me'),
      await t.api.post('/api/auth/login').send({ login: 'nobody', password: 'nothing at all' }),
      await t.api.get('/api/rooms/999999').set(u.auth),
      await t.api.post('/api/rooms').set(u.auth).send({}),
    ];
    for (const res of samples) {
      expectError(res);
      expect(res.status).toBe(ERROR_STATUS[res.body.error.code as keyof typeof ERROR_STATUS]);
    }
  });

  it('helmet headers are set, x-powered-by is not', async () => {
    for (const res of [await t.api.get('/api/health'), await t.api.get('/api/nope')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      // Plain http: the HTTPS-only headers are left out (headers.test.ts covers TLS and the proxy cases).
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['referrer-policy']).toBeDefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toMatch(/^[\w-]+$/);
    }
  });

  it('health is ok with the database up (and no Redis configured: off)', async () => {
    const res = await t.api.get('/api/health');
    expectStatus(res, 200);
    expect(res.body).toEqual({ status: 'ok', db: 'ok', redis: 'off', version: expect.any(String), uptimeSeconds: expect.any(Number) });
  });
});

describe('openapi', () => {
  // Every route of PROTOCOL.md's REST section.
  const ROUTES = [
    'post /auth/register',
    'post /auth/login',
    'post /auth/refresh',
    'post /auth/logout',
    'get /auth/sessions',
    'delete /auth/sessions/{id}',
    'get /users/me',
    'patch /users/me',
    'post /users/me/password',
    'get /users',
    'get /users/{id}',
    'get /rooms',
    'post /rooms',
    'get /rooms/public',
    'post /rooms/direct',
    'get /rooms/{id}',
    'patch /rooms/{id}',
    'delete /rooms/{id}',
    'get /rooms/{id}/members',
    'post /rooms/{id}/members',
    'patch /rooms/{id}/members/{userId}',
    'delete /rooms/{id}/members/{userId}',
    'post /rooms/{id}/join',
    'post /rooms/{id}/leave',
    'put /rooms/{id}/read',
    'put /rooms/{id}/settings',
    'get /rooms/{id}/messages',
    'post /rooms/{id}/messages',
    'get /messages/{id}',
    'patch /messages/{id}',
    'delete /messages/{id}',
    'put /messages/{id}/reactions/{emoji}',
    'delete /messages/{id}/reactions/{emoji}',
    'get /search/messages',
    'get /auth/config',
    'post /auth/password-reset',
    'get /admin/users',
    'patch /admin/users/{id}',
    'post /admin/users/{id}/revoke-sessions',
    'post /admin/users/{id}/password-reset',
    'get /admin/settings',
    'put /admin/settings',
    'get /admin/invites',
    'post /admin/invites',
    'delete /admin/invites/{id}',
    'get /admin/audit',
    'get /admin/status',
    'delete /users/me',
    'delete /admin/users/{id}',
    'get /admin/rooms',
    'patch /admin/rooms/{id}',
    'delete /admin/rooms/{id}',
    'get /rooms/{id}/invites',
    'post /rooms/{id}/invites',
    'delete /rooms/{id}/invites/{inviteId}',
  ];
  const PUBLIC = new Set([
    'post /auth/register',
    'post /auth/login',
    'post /auth/refresh',
    'get /auth/config',
    'post /auth/password-reset',
  ]);

  it('is an OpenAPI 3.1 document listing every route with its parameters and responses', async () => {
    const res = await t.api.get('/api/openapi.json');
    expectStatus(res, 200);
    const doc = res.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            parameters: { name: string; in: string; required: boolean }[];
            responses: Record<string, unknown>;
            requestBody?: unknown;
            security?: unknown[];
          }
        >
      >;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTypeOf('string');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operationIds = new Set<string>();
    for (const route of ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths['/api' + path]?.[method];
      expect(op, route).toBeDefined();
      operationIds.add(op!.operationId);
      expect(
        Object.keys(op!.responses).some((s) => /^2\d\d$/.test(s)),
        route,
      ).toBe(true);
      expect(op!.responses['default'], route).toBeDefined();
      for (const name of path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
        expect(
          op!.parameters.find((p) => p.name === name),
          `${route} ${name}`,
        ).toMatchObject({ in: 'path', required: true });
      }
      expect(Boolean(op!.security), route).toBe(!PUBLIC.has(route));
      if (
        ['post', 'put', 'patch'].includes(method) &&
        !route.endsWith('/join') &&
        !route.endsWith('/leave') &&
        !route.endsWith('/revoke-sessions') &&
        !route.startsWith('post /admin/users/{id}/password-reset') &&
        !route.includes('/reactions/')
      )
        expect(op!.requestBody, route).toBeDefined();
    }
    expect(operationIds.size).toBe(ROUTES.length);
    const history = doc.paths['/api/rooms/{id}/messages']!['get']!;
    expect(history.parameters.map((p) => p.name).sort()).toEqual(['after', 'around', 'before', 'id', 'limit']);
  });
});

describe('database down', () => {
  if (dialectName === 'sqlite') {
    it('503 from a route and from /api/health (degraded) once the pool is gone', async () => {
      const s = await startTestServer();
      try {
        const v = await s.register();
        await createRoom(s, v);
        await s.server.knex.destroy();
        const route = await s.api.get('/api/rooms').set(v.auth);
        expectError(route, 503, 'SERVICE_UNAVAILABLE');
        expectNoLeak(route.body);
        const health = await s.api.get('/api/health');
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: 'degraded', db: 'down', redis: 'off' });
        expectError(await s.api.post('/api/auth/login').send({ login: v.username, password: v.password }), 503, 'SERVICE_UNAVAILABLE');
      } finally {
        await s.close();
      }
    });
  } else {
    it('503 from a route and from /api/health (degraded) when the TCP connection to MariaDB is cut', async () => {
      // A small TCP proxy in front of the real database, which the test then closes.
      const target = new URL(baseMysqlUrl!);
      const sockets = new Set<Socket>();
      const proxy: TcpServer = createTcpServer((client) => {
        const upstream = connect(Number(target.port || 3306), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const port = (proxy.address() as AddressInfo).port;
      const dbName = `mt_proxy_${process.pid}_${randomBytes(3).toString('hex')}`;
      const viaProxy = new URL(baseMysqlUrl!);
      viaProxy.host = `127.0.0.1:${port}`;
      viaProxy.pathname = '/' + dbName;
      const s = await startTestServer({ DATABASE_URL: viaProxy.toString() });
      try {
        const v = await s.register();
        expectStatus(await s.api.get('/api/rooms').set(v.auth), 200);
        await new Promise<void>((r) => {
          proxy.close(() => r());
          for (const sock of sockets) sock.destroy();
        });
        const [route, health, login] = await Promise.all([
          s.api.get('/api/rooms').set(v.auth),
          s.api.get('/api/health'),
          s.api.post('/api/auth/login').send({ login: v.username, password: v.password }),
        ]);
        expectError(route, 503, 'SERVICE_UNAVAILABLE');
        expectNoLeak(route.body);
        expectError(login, 503, 'SERVICE_UNAVAILABLE');
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: 'degraded', db: 'down', redis: 'off' });
      } finally {
        await s.close();
        await dropMysqlDatabase(baseMysqlUrl!, dbName);
      }
    });
  }
});
