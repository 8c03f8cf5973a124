// The bad-input battery: for every route of /api/openapi.json, generated requests that each carry at least one
// defect (malformed body, path parameter, query string, token, JSON text, media type or size). Every answer must
// be a 4xx in the documented error shape, never a 500 or a non-JSON body, and no data may change.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../protocol/errors.js';
import { LIMITS } from '../../protocol/schemas.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { createRoom, expectNoLeak, send } from '../test/expect.js';

const RUNS = Number(process.env['BAD_INPUT_RUNS'] ?? 300);

let t: TestServer;
let owner: TestUser;
let other: TestUser;
const valid: Record<string, string> = {};

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[] | undefined;
  auth: boolean;
}
let operations: Operation[] = [];

type Body = { kind: 'none' } | { kind: 'raw'; text: string; contentType: string };
interface BadRequest {
  defect: string;
  params: Record<string, string>;
  query: string;
  body: Body;
  token: 'valid' | 'none' | 'garbage';
}

// ---------- value generators ----------
const sqlish = fc.constantFrom(
  "' OR '1'='1",
  '1; DROP TABLE users; --',
  "admin'--",
  '" OR ""="',
  '1 UNION SELECT password_hash FROM users',
  '%',
  '_',
  '\\',
  '`',
  '${7*7}',
);
const loneSurrogate = fc.constantFrom('\uD800', 'a\uDFFFb', '\uDBFF', 'x\uD83D');
const withNul = fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`);
const huge = fc.integer({ min: 5_000, max: 30_000 }).map((n) => 'x'.repeat(n));
const specialKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'id',
  'userId ',
  'a'.repeat(300),
);

/** Values no field of any body accepts: with one of them in a body, the body is invalid whatever else it holds. */
const poison: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({}),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }).map((d) => ({ ...d, nested: true })),
  withNul,
  loneSurrogate,
  huge,
  fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.integer({ min: -1e9, max: -1 }),
  fc.constantFrom(1e20, -1e20, 2 ** 53 + 2, 1.7976931348623157e308, -0.5),
  fc.array(fc.constantFrom('x', {}), { minLength: 1, maxLength: 3 }).map((a) => [...a, {}]),
);

/** Anything at all, valid-looking or not. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  sqlish,
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  poison,
);

/** JSON text written by hand so that `__proto__` keys and duplicate keys survive into the request. */
function objectText(entries: readonly (readonly [string, unknown])[]): string {
  return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',') + '}';
}

function bodyFieldsArb(fields: readonly string[]): fc.Arbitrary<[string, unknown][]> {
  return fc
    .subarray([...fields])
    .chain((present) => fc.tuple(...present.map((f) => fc.tuple(fc.constant(f), anything))).map((e) => e as [string, unknown][]));
}

const json = (text: string): Body => ({ kind: 'raw', text, contentType: 'application/json' });

// ---------- defects ----------
const badId = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    '+1',
    ' 1',
    '1 ',
    '01',
    '99999999999999999999',
    '9007199254740993',
    'NaN',
    'Infinity',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    'true',
    '[1]',
    '{}',
  ),
  sqlish,
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^[1-9][0-9]*$/.test(s)),
  fc.constantFrom('%00', '%ED%A0%80', '%F0', '%zz', '%', '%2F', '..', '%2e%2e', '1%00', '1%0A'),
);

function encodeSegment(s: string): string {
  if (/^%|%[0-9A-Fa-f]{2}|%zz|^%$/.test(s) && /^[\x21-\x7e]*$/.test(s)) return s; // already a raw, possibly broken, escape
  return s.isWellFormed() ? encodeURIComponent(s) : '%ED%A0%80';
}

const badQueryValue = fc.oneof(
  fc.constantFrom('-1', '1.5', '1e2', 'abc', '', '%00', '%ED%A0%80', 'x'.repeat(60), '%', 'TRUE', 'yes', '99999999999999999999'),
  sqlish,
);
/** before=0 is a fine cursor; limit=0 and limit=101 are not. */
const badQueryValueFor = (key: string) => (key === 'limit' ? fc.oneof(badQueryValue, fc.constantFrom('0', '101', '1000')) : badQueryValue);
const anyQueryKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'limit[]', 'q[0]', 'x', 'before', 'after', 'limit', 'q', 'online', 'a.b'),
  fc.string({ minLength: 1, maxLength: 8 }),
);

function rawQuery(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return '';
  return '?' + pairs.map(([k, v]) => `${encodeSegment(k)}=${/^%/.test(v) ? v : encodeSegment(v)}`).join('&');
}

function requestArb(op: Operation): fc.Arbitrary<BadRequest> {
  const goodParams = Object.fromEntries(op.pathParams.map((p) => [p, valid[`${op.path}:${p}`] ?? valid[p] ?? '1']));
  const anyParams = fc.record(
    Object.fromEntries(op.pathParams.map((p) => [p, fc.oneof(fc.constant(goodParams[p]!), badId)])),
  ) as fc.Arbitrary<Record<string, string>>;
  const anyQuery = fc
    .array(fc.tuple(anyQueryKey, fc.oneof(badQueryValue, fc.constantFrom('1', '10', 'a', 'true'))), { maxLength: 3 })
    .map(rawQuery);
  const anyBody: fc.Arbitrary<Body> = op.bodyFields
    ? fc.oneof(
        fc.constant<Body>({ kind: 'none' }),
        bodyFieldsArb(op.bodyFields).map((e) => json(objectText(e))),
      )
    : fc.constant<Body>({ kind: 'none' });
  const anyToken = op.auth
    ? fc.constantFrom<BadRequest['token']>('valid', 'valid', 'none', 'garbage')
    : fc.constant<BadRequest['token']>('none');
  const base = fc.record({ params: anyParams, query: anyQuery, body: anyBody, token: anyToken });

  const defects: fc.Arbitrary<BadRequest>[] = [];
  const withDefect = (defect: string, arb: fc.Arbitrary<Partial<BadRequest>>) =>
    defects.push(fc.tuple(base, arb).map(([b, d]) => ({ defect, ...b, ...d })));

  // Malformed JSON text, JSON that is not an object, bodies over 64 KiB: refused before any route runs.
  withDefect(
    'malformed JSON',
    fc
      .constantFrom('{', '{"a":', "{'a':1}", '{"a":1,}', 'nul', '[', '{"a":"\\u12"}', '\u0000', '{"a":1}garbage', '\uFEFF{"a"')
      .map((text) => ({ body: json(text) })),
  );
  withDefect(
    'too large',
    fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((n) => ({ body: json(`{"x":"${'a'.repeat(n)}"}`) })),
  );
  if (op.auth)
    withDefect(
      'token',
      fc.constantFrom<BadRequest['token']>('none', 'garbage').map((token) => ({ token })),
    );
  if (op.bodyFields) {
    const fields = op.bodyFields;
    withDefect(
      'body not an object',
      fc
        .oneof(fc.array(anything, { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
        .map((v) => ({ body: json(JSON.stringify(v)) })),
    );
    withDefect(
      'poisoned field',
      fc
        .tuple(bodyFieldsArb(fields), fc.constantFrom(...fields), poison)
        .map(([entries, field, bad]) => ({ body: json(objectText([...entries.filter(([k]) => k !== field), [field, bad]])) })),
    );
    withDefect(
      'unknown field',
      fc
        .tuple(
          bodyFieldsArb(fields),
          fc.oneof(specialKey, fc.string({ minLength: 1, maxLength: 10 })).filter((k) => !fields.includes(k)),
          anything,
        )
        .map(([entries, key, v]) => ({ body: json(objectText([...entries, [key, v]])) })),
    );
    withDefect(
      'media type',
      fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'application/json; charset=latin1',
            'application/octet-stream',
          ),
          fc.string({ minLength: 1, maxLength: 50 }),
        )
        .map(([contentType, text]) => ({ body: { kind: 'raw' as const, text, contentType } })),
    );
  }
  if (op.pathParams.length) {
    withDefect(
      'path param',
      fc.tuple(fc.constantFrom(...op.pathParams), badId).map(([p, bad]) => ({ params: { ...goodParams, [p]: bad } })),
    );
  }
  if (op.queryParams.length) {
    withDefect(
      'query unknown key',
      fc
        .tuple(
          fc
            .oneof(
              specialKey.filter((k) => k.trim() !== ''),
              fc.string({ minLength: 1, maxLength: 8 }),
            )
            .filter((k) => !op.queryParams.includes(k)),
          fc.string({ maxLength: 10 }),
        )
        .map(([k, v]) => ({ query: rawQuery([[k, v]]) })),
    );
    withDefect(
      'query bad value',
      fc
        .constantFrom(...op.queryParams.filter((q) => q !== 'q'))
        .chain((k) => badQueryValueFor(k).map((v) => ({ query: rawQuery([[k, v]]) }))),
    );
    withDefect(
      'query repeated',
      fc.constantFrom(...op.queryParams).map((k) => ({
        query: rawQuery([
          [k, '1'],
          [k, '2'],
        ]),
      })),
    );
    // (A URL cannot carry a lone surrogate: broken UTF-8 escapes decode to U+FFFD, a legal search string.)
    if (op.queryParams.includes('q'))
      withDefect(
        'query q',
        fc
          .oneof(withNul, fc.constant('x'.repeat((op.path === '/search/messages' ? LIMITS.searchQueryMax : LIMITS.searchMax) + 1)))
          .map((v) => ({ query: `?q=${encodeURIComponent(v)}` })),
      );
  }
  return fc.oneof(...defects);
}

// ---------- the data that must not change ----------
async function snapshot(): Promise<unknown> {
  const k = t.server.knex;
  const counts: Record<string, number> = {};
  for (const table of [
    'users',
    'sessions',
    'rooms',
    'room_members',
    'messages',
    'message_mentions',
    'message_reactions',
    'uploads',
    'invites',
    'settings',
    'audit_log',
  ]) {
    const [row] = (await k(table).count({ n: '*' })) as { n: number | string }[];
    counts[table] = Number(row!.n);
  }
  const live = (await k('sessions').whereNull('revoked_at').count({ n: '*' })) as { n: number | string }[];
  return {
    counts,
    liveSessions: Number(live[0]!.n),
    users: await k('users').orderBy('id').select('id', 'username', 'email', 'display_name', 'avatar_url', 'status', 'password_hash'),
    rooms: await k('rooms')
      .orderBy('id')
      .select('id', 'name', 'description', 'visibility', 'last_seq', 'archived', 'deleted_at', 'direct_key'),
    settings: await k('settings').orderBy('key').select('key', 'value'),
    invites: await k('invites').orderBy('id').select('id', 'uses', 'revoked_at'),
    members: await k('room_members')
      .orderBy(['room_id', 'user_id'])
      .select('room_id', 'user_id', 'role', 'muted', 'notify', 'last_read_seq'),
    messages: await k('messages').orderBy('id').select('id', 'seq', 'body', 'edited_at', 'deleted_at'),
  };
}

beforeAll(async () => {
  // The whole file outlasts the default 15-minute access token on a loaded machine; its one token must live.
  t = await startTestServer({ ACCESS_TOKEN_TTL: '2h' });
  owner = await t.register();
  other = await t.register();
  const room = await createRoom(t, owner, { name: 'Battery', visibility: 'public', memberIds: [other.id] });
  const message = await send(t, owner, room.id, 'keep me');
  const sessions = await t.api.get('/api/auth/sessions').set(owner.auth);
  valid['id'] = String(room.id);
  valid['userId'] = String(other.id);
  valid['/messages/{id}:id'] = String(message.id);
  valid['/auth/sessions/{id}:id'] = String((sessions.body as { id: number }[])[0]!.id);
  valid['/users/{id}:id'] = String(other.id);
  valid['emoji'] = '👍';

  const doc = (await t.api.get('/api/openapi.json')).body as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters: { name: string; in: string }[];
          requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
          security?: unknown;
        }
      >
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method as Operation['method'],
      path: path.replace(/^\/api/, ''),
      pathParams: op.parameters.filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: op.parameters.filter((p) => p.in === 'query').map((p) => p.name),
      bodyFields: op.requestBody ? Object.keys(op.requestBody.content['application/json'].schema.properties ?? {}) : undefined,
      auth: Boolean(op.security),
    })),
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function perform(op: Operation, r: BadRequest) {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(r.params[name] ?? '1'));
  let req = t.api[op.method](`/api${path}${r.query}`);
  if (r.token === 'valid') req = req.set(owner.auth);
  if (r.token === 'garbage') req = req.set('Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.');
  if (r.body.kind === 'raw') req = req.set('Content-Type', r.body.contentType).send(r.body.text);
  return req;
}

// The routes in groups, one test each, so each stays well inside its timeout on a loaded machine.
const NAMED_GROUPS: [string, RegExp][] = [
  ['auth', /^\/auth(\/|$)/],
  ['users', /^\/users(\/|$)/],
  ['room members, invites, read markers and settings', /^\/rooms\/\{id\}\/(members|invites|read|settings)(\/|$)/],
  ['room history and messages', /^\/(rooms\/\{id\}\/messages|messages)(\/|$)/],
  ['rooms', /^\/rooms(\/|$)/],
  ['files and search', /^\/(uploads|files|search)(\/|$)/],
  ['administration: accounts', /^\/admin\/users(\/|$)/],
  ['administration: rooms and invites', /^\/admin\/(rooms|invites)(\/|$)/],
];
/** The first named group whose pattern matches, else "administration and the rest". */
const groupOf = (path: string) => NAMED_GROUPS.find(([, re]) => re.test(path))?.[0] ?? 'administration and the rest';
const GROUPS: [string, (path: string) => boolean][] = [...NAMED_GROUPS.map(([n]) => n), 'administration and the rest'].map((name) => [
  name,
  (path: string) => groupOf(path) === name,
]);

describe('bad-input battery', () => {
  it('covers every route of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(38);
    for (const [name, inGroup] of GROUPS)
      expect(
        operations.some((op) => inGroup(op.path)),
        name,
      ).toBe(true);
  });

  it.each(GROUPS)(
    '%s: every route answers every defective request with a documented 4xx and changes nothing',
    async (_, inGroup) => {
      const before = await snapshot();
      const seen = new Map<number, number>();
      for (const op of operations.filter((o) => inGroup(o.path))) {
        await fc.assert(
          fc.asyncProperty(requestArb(op), async (r) => {
            const res = await perform(op, r);
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            const where = `${op.method.toUpperCase()} ${op.path} [${r.defect}] -> ${res.status} ${String(res.text).slice(0, 200)}`;
            expect(res.status >= 400 && res.status < 500, where).toBe(true);
            expect(res.headers['content-type'], where).toMatch(/^application\/json/);
            const body = res.body as { error?: { code?: string; message?: string; details?: unknown } };
            expect(body.error?.code, where).toBeTypeOf('string');
            expect(body.error?.message, where).toBeTypeOf('string');
            expect(ERROR_STATUS[body.error!.code as keyof typeof ERROR_STATUS], where).toBe(res.status);
            if (body.error!.details !== undefined) expect(Array.isArray(body.error!.details), where).toBe(true);
            expectNoLeak(body);
          }),
          { numRuns: RUNS },
        );
      }
      expect(await snapshot()).toEqual(before);
      // The battery reached the routes' own validation, not only the front door.
      expect(seen.get(400) ?? 0).toBeGreaterThan(RUNS);
    },
    240_000,
  );
});

describe('extreme but valid values reach the database without a 500', () => {
  const MAX = Number.MAX_SAFE_INTEGER;

  it('huge ids and seqs', async () => {
    const room = await createRoom(t, owner, { name: 'Edges' });
    const checks: [Promise<{ status: number }>, number][] = [
      [t.api.get(`/api/rooms/${MAX}`).set(owner.auth), 404],
      [t.api.get(`/api/messages/${MAX}`).set(owner.auth), 404],
      [t.api.get(`/api/users/${MAX}`).set(owner.auth), 404],
      [t.api.delete(`/api/auth/sessions/${MAX}`).set(owner.auth), 404],
      [t.api.delete(`/api/rooms/${room.id}/members/${MAX}`).set(owner.auth), 404],
      [t.api.post('/api/rooms/direct').set(owner.auth).send({ userId: MAX }), 404],
      [t.api.post(`/api/rooms/${room.id}/members`).set(owner.auth).send({ userId: MAX }), 404],
      [
        t.api
          .post('/api/rooms')
          .set(owner.auth)
          .send({ name: 'x', visibility: 'private', memberIds: [MAX] }),
        400,
      ],
      [t.api.post(`/api/rooms/${room.id}/messages`).set(owner.auth).send({ clientId: 'edge-1', body: 'x', replyToId: MAX }), 400],
      [t.api.get(`/api/rooms/${room.id}/messages?before=${MAX}`).set(owner.auth), 200],
      [t.api.get(`/api/rooms/${room.id}/messages?after=${MAX}`).set(owner.auth), 200],
      [t.api.put(`/api/rooms/${room.id}/read`).set(owner.auth).send({ seq: MAX }), 200],
    ];
    for (const [req, status] of checks) {
      const res = await req;
      expect(res.status, JSON.stringify((res as { body?: unknown }).body)).toBe(status);
    }
  });

  it('longest values of every field, in 4-byte characters, are stored and read back', async () => {
    const e = '😀';
    const room = await t.api
      .post('/api/rooms')
      .set(owner.auth)
      .send({ name: e.repeat(80), description: e.repeat(500), visibility: 'private' });
    expect(room.status).toBe(201);
    expect(room.body.name).toBe(e.repeat(80));
    const me = await t.api
      .patch('/api/users/me')
      .set(owner.auth)
      .send({ displayName: e.repeat(64), avatarUrl: `https://example.test/${'a'.repeat(470)}` });
    expect(me.status).toBe(200);
    expect(me.body.displayName).toBe(e.repeat(64));
    const login = await t.api
      .post('/api/auth/login')
      .send({ login: `${owner.username}`, password: owner.password, deviceName: e.repeat(100) });
    expect(login.status).toBe(200);
    const nul = await t.api.post('/api/auth/login').send({ login: `a\u0000b${e.repeat(50)}`, password: 'x\u0000y' });
    expect(nul.status).toBe(401);
  });

  it('email: 191 characters (the indexed column) register on every database; longer is a 400 naming the field, not a database error', async () => {
    const local = 'l'.repeat(64);
    const ok = `${local}@${'d'.repeat(60)}.${'e'.repeat(60)}.test`;
    expect(ok.length).toBe(191);
    const res = await t.api.post('/api/auth/register').send({ username: `long_${process.pid}`, email: ok, password: 'long enough pw' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.user.email).toBe(ok);
    const rfcMax = `${local}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(62)}.test`;
    expect(rfcMax.length).toBe(254);
    const long = await t.api
      .post('/api/auth/register')
      .send({ username: `long2_${process.pid}`, email: rfcMax, password: 'long enough pw' });
    expect(long.status, JSON.stringify(long.body)).toBe(400);
    expect(long.body.error.details[0].path).toBe('email');
  });
});
