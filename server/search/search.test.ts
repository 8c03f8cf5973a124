// Message search and history around a message, through the REST API on the real server and database (SQLite, or
// MariaDB/MySQL with DATABASE_URL): words and prefixes in English, CJK substrings, filters, paging, membership,
// recall and edit, highlights, hostile queries, and query plans that start from the full-text index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage, SearchPage } from '../../protocol/types.js';
import { migration as searchMigration } from '../../migrations/20261130000500_create_message_search.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { addMember, createRoom, expectError, expectNoLeak, expectStatus, send } from '../test/expect.js';
import { dialectOf } from '../db/knex.js';
import { createSearchIndex } from './search-index.js';
import { TermPoster } from './term-poster.js';
import { indexText, parseQuery, queryParts } from './terms.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function search(user: TestUser, query: Record<string, string | number>): Promise<SearchPage> {
  const res = await t.api.get('/api/search/messages').query(query).set(user.auth);
  expectStatus(res, 200);
  return res.body as SearchPage;
}
const bodies = (p: SearchPage) => p.results.map((r) => r.message.body);
const marked = (body: string, ranges: { start: number; end: number }[]) => ranges.map((r) => [...body].slice(r.start, r.end).join(''));

describe('finding messages', () => {
  let a: TestUser;
  let b: TestUser;
  let roomId: number;
  let otherRoomId: number;
  beforeAll(async () => {
    [a, b] = await Promise.all([t.register(), t.register()]);
    roomId = (await createRoom(t, a, { name: 'Release train', memberIds: [b.id] })).id;
    otherRoomId = (await createRoom(t, a, { name: 'Elsewhere', memberIds: [b.id] })).id;
    await send(t, a, roomId, 'We Deploy the new release on Friday');
    await send(t, b, roomId, 'deployment checklist: https://example.com/Checklist');
    await send(t, a, roomId, 'unrelated chatter about lunch');
    await send(t, b, roomId, '我们明天去北京开会，记得带电脑');
    await send(t, a, otherRoomId, '北京的天气很好 and the deploy went fine');
    await send(t, a, roomId, 'Café au lait, naïve façade');
  });

  it('an English word, whole or as a prefix, any case; not from the middle of a word', async () => {
    expect(bodies(await search(b, { q: 'deploy' }))).toEqual([
      '北京的天气很好 and the deploy went fine',
      'deployment checklist: https://example.com/Checklist',
      'We Deploy the new release on Friday',
    ]);
    expect(bodies(await search(b, { q: 'DEPL' }))).toHaveLength(3);
    expect(bodies(await search(b, { q: 'ploy' }))).toEqual([]);
    expect(bodies(await search(b, { q: 'checklist' }))).toEqual(['deployment checklist: https://example.com/Checklist']);
    expect(bodies(await search(b, { q: 'deploy friday' }))).toEqual(['We Deploy the new release on Friday']);
  });

  it('accents and case fold away', async () => {
    expect(bodies(await search(b, { q: 'cafe naive' }))).toEqual(['Café au lait, naïve façade']);
    expect(bodies(await search(b, { q: 'FAÇADE' }))).toEqual(['Café au lait, naïve façade']);
  });

  it('a two-character Chinese word, a longer one, and one character; not characters that are apart', async () => {
    expect(bodies(await search(b, { q: '北京' }))).toEqual(['北京的天气很好 and the deploy went fine', '我们明天去北京开会，记得带电脑']);
    expect(bodies(await search(b, { q: '开会' }))).toEqual(['我们明天去北京开会，记得带电脑']);
    expect(bodies(await search(b, { q: '北京开会' }))).toEqual(['我们明天去北京开会，记得带电脑']);
    expect(bodies(await search(b, { q: '北会' }))).toEqual([]);
    expect(bodies(await search(b, { q: '脑' }))).toEqual(['我们明天去北京开会，记得带电脑']);
    expect(bodies(await search(b, { q: '北京 deploy' }))).toEqual(['北京的天气很好 and the deploy went fine']);
  });

  it('highlights name the matched words in code points, and the room by name', async () => {
    const [chinese] = (await search(b, { q: '北京 deploy', roomId: otherRoomId })).results;
    expect(chinese!.roomName).toBe('Elsewhere');
    expect(marked(chinese!.message.body, chinese!.highlights)).toEqual(['北京', 'deploy']);
    const [english] = (await search(b, { q: 'depl check' })).results.filter((r) => r.message.body.startsWith('deployment'));
    expect(marked(english!.message.body, english!.highlights)).toEqual(['deployment', 'checklist', 'Checklist']);
    expect(english!.roomName).toBe('Release train');
  });

  it('filters by room and by sender', async () => {
    expect(bodies(await search(b, { q: 'deploy', roomId }))).toHaveLength(2);
    expect(bodies(await search(b, { q: 'deploy', roomId: otherRoomId }))).toEqual(['北京的天气很好 and the deploy went fine']);
    expect(bodies(await search(b, { q: 'deploy', senderId: b.id }))).toEqual(['deployment checklist: https://example.com/Checklist']);
    expect(bodies(await search(b, { q: 'deploy', senderId: a.id, roomId }))).toEqual(['We Deploy the new release on Friday']);
  });

  it('plans start from the full-text index, never from a scan of messages', async () => {
    const index = await createSearchIndex(t.server.knex);
    for (const q of ['deploy', '北京开会', '脑', 'de 北京']) {
      const plan = await index.explain({ parts: queryParts(parseQuery(q)), roomIds: [roomId, otherRoomId], limit: 21, before: 1_000_000 });
      if (index.engine === 'sqlite-fts5') {
        const lines = plan.split('\n');
        expect(lines[0], plan).toMatch(/VIRTUAL TABLE INDEX/);
        expect(plan).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
        expect(plan).not.toMatch(/SCAN m\b|USE TEMP B-TREE/);
      } else {
        // One range of the term index per room (merged in a derived table of at most rooms x limit rows); anything
        // else joined by primary key.
        const lines = plan.split('\n');
        expect(
          lines.filter((l) => l.startsWith('t ')),
          plan,
        ).toHaveLength(2);
        for (const line of lines) {
          if (line.startsWith('t ')) expect(line, plan).toMatch(/^t (range|ref) PRIMARY/);
          else if (/^[sm] /.test(line)) expect(line, plan).toMatch(/ eq_ref PRIMARY/);
          else expect(line, plan).toMatch(/^(<derived\d+>|<union[\d,]+>) /);
        }
      }
    }
  });
});

describe('who sees what, and when', () => {
  it('only rooms the caller belongs to now; recalled messages never; edits at once', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const roomId = (await createRoom(t, a, { visibility: 'public' })).id;
    const secret = await send(t, a, roomId, 'zanzibar treasure map');
    expect(bodies(await search(b, { q: 'zanzibar' }))).toEqual([]);
    expectError(await t.api.get('/api/search/messages').query({ q: 'zanzibar', roomId }).set(b.auth), 403, 'FORBIDDEN');

    await addMember(t, a, roomId, b.id);
    expect(bodies(await search(b, { q: 'zanzibar' }))).toEqual(['zanzibar treasure map']);
    expectStatus(await t.api.post(`/api/rooms/${roomId}/leave`).set(b.auth), 204);
    expect(bodies(await search(b, { q: 'zanzibar' }))).toEqual([]);

    const edited = await t.api.patch(`/api/messages/${secret.id}`).set(a.auth).send({ body: 'kilimanjaro 地图 only' });
    expectStatus(edited, 200);
    expect(bodies(await search(a, { q: 'zanzibar' }))).toEqual([]);
    expect(bodies(await search(a, { q: 'kilim' }))).toEqual(['kilimanjaro 地图 only']);
    expect(bodies(await search(a, { q: '地图' }))).toEqual(['kilimanjaro 地图 only']);

    expectStatus(await t.api.delete(`/api/messages/${secret.id}`).set(a.auth), 200);
    expect(bodies(await search(a, { q: 'kilimanjaro' }))).toEqual([]);
    expect(bodies(await search(a, { q: '地图' }))).toEqual([]);
  });

  it('a deleted room is gone from results', async () => {
    const a = await t.register();
    const roomId = (await createRoom(t, a)).id;
    await send(t, a, roomId, 'quetzalcoatl sighting');
    expect(bodies(await search(a, { q: 'quetzal' }))).toHaveLength(1);
    expectStatus(await t.api.delete(`/api/rooms/${roomId}`).set(a.auth), 204);
    expect(bodies(await search(a, { q: 'quetzal' }))).toEqual([]);
  });

  it('newest first, before= pages on with each result once', async () => {
    const a = await t.register();
    const roomId = (await createRoom(t, a)).id;
    for (let i = 1; i <= 25; i++) await send(t, a, roomId, `paging marmalade number ${i}`);
    const seen: string[] = [];
    let before: number | undefined;
    for (let pages = 1; ; pages++) {
      const p = await search(a, { q: 'marmalade', limit: 10, ...(before ? { before } : {}) });
      seen.push(...bodies(p));
      if (!p.hasMore) {
        expect(pages).toBe(3);
        break;
      }
      before = p.results[p.results.length - 1]!.message.id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `paging marmalade number ${25 - i}`));
  });

  it('messages written before the index existed are found once the migration has run', async () => {
    const a = await t.register();
    const roomId = (await createRoom(t, a)).id;
    await send(t, a, roomId, 'archaeopteryx fossil 化石');
    const recalled = await send(t, a, roomId, 'archaeopteryx recalled');
    expectStatus(await t.api.delete(`/api/messages/${recalled.id}`).set(a.auth), 200);
    await searchMigration.down(t.server.knex);
    await searchMigration.up(t.server.knex);
    expect(bodies(await search(a, { q: 'archaeopteryx' }))).toEqual(['archaeopteryx fossil 化石']);
    expect(bodies(await search(a, { q: '化石' }))).toEqual(['archaeopteryx fossil 化石']);
  });
});

describe('hostile queries', () => {
  let a: TestUser;
  beforeAll(async () => {
    a = await t.register();
    const roomId = (await createRoom(t, a)).id;
    await send(t, a, roomId, 'operators: select * from messages; "quoted" -minus +plus (paren)');
  });

  it('refuses queries with nothing to look for, too long, NUL or a lone surrogate, with 400 VALIDATION_FAILED', async () => {
    const cases = ['', '   ', 'a', '*', '"', '-', '+', '()', '* - + " ( )', 'x'.repeat(500), 'ab\u0000cd'];
    for (const q of cases) {
      const res = await t.api.get('/api/search/messages').query({ q }).set(a.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expectNoLeak(res.body);
    }
    // A lone surrogate, percent-encoded the only way a URL can carry it (CESU-8 bytes): 400 or sane, never 500.
    const lone = await t.api.get('/api/search/messages?q=%ED%A0%80abc').set(a.auth);
    expect([200, 400]).toContain(lone.status);
    expectError(await t.api.get('/api/search/messages').query({ q: 'ok', limit: 0 }).set(a.auth), 400, 'VALIDATION_FAILED');
    expectError(await t.api.get('/api/search/messages').query({ q: 'ok', before: -1 }).set(a.auth), 400, 'VALIDATION_FAILED');
    expectError(await t.api.get('/api/search/messages').query({ q: 'ok', nope: 1 }).set(a.auth), 400, 'VALIDATION_FAILED');
    expectError(await t.api.get('/api/search/messages').query({ q: 'ok' }), 401, 'UNAUTHENTICATED');
  });

  it('operators and SQL are plain text: words around them still match', async () => {
    for (const q of ['"quoted', 'quot*', '-minus', '+plus', '(paren)', "select'; --", 'from messages; --', 'from%_']) {
      const p = await search(a, { q });
      expect(bodies(p), q).toEqual(['operators: select * from messages; "quoted" -minus +plus (paren)']);
    }
    expect(bodies(await search(a, { q: 'x'.repeat(200) }))).toEqual([]);
    expect(bodies(await search(a, { q: '北'.repeat(200) }))).toEqual([]);
  });
});

describe('history around a message', () => {
  let a: TestUser;
  let roomId: number;
  beforeAll(async () => {
    a = await t.register();
    roomId = (await createRoom(t, a)).id;
    for (let i = 1; i <= 30; i++) await send(t, a, roomId, `line ${i}`);
  });
  const around = async (query: Record<string, number>) => {
    const res = await t.api.get(`/api/rooms/${roomId}/messages`).query(query).set(a.auth);
    expectStatus(res, 200);
    return res.body as HistoryPage;
  };
  const seqs = (p: HistoryPage) => p.messages.map((m) => m.seq);

  it('centres the page on the seq with more both ways', async () => {
    const p = await around({ around: 15, limit: 10 });
    expect(seqs(p)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(p).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true, hasMore: true });
  });

  it('near either end says there is nothing more that way', async () => {
    const first = await around({ around: 2, limit: 10 });
    expect(seqs(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true });
    // (seq 1 is the room's "created" system line: the 30 lines are seqs 2..31)
    const last = await around({ around: 30, limit: 10 });
    expect(seqs(last)).toEqual([22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    expect(last).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false });
  });

  it('refuses around with before or after, and non-members', async () => {
    expectError(await t.api.get(`/api/rooms/${roomId}/messages`).query({ around: 5, before: 9 }).set(a.auth), 400, 'VALIDATION_FAILED');
    const stranger = await t.register();
    expectError(await t.api.get(`/api/rooms/${roomId}/messages`).query({ around: 5 }).set(stranger.auth), 404, 'NOT_FOUND');
  });
});

// MySQL/MariaDB write a new message's postings just after its commit (term-poster.ts); these check what that must
// keep: nothing lost across a crash, and edits and recalls that race the posting leave exactly the current terms.
describe.skipIf(!process.env['DATABASE_URL'])('postings written after the commit (MySQL)', () => {
  let a: TestUser;
  let roomId: number;
  beforeAll(async () => {
    expect(dialectOf(t.server.knex)).toBe('mysql');
    a = await t.register();
    roomId = (await createRoom(t, a)).id;
  });
  const postingsOf = async (ids: number[]) =>
    (await t.server.knex('message_terms').whereIn('message_id', ids).orderBy(['message_id', 'term']).select('message_id', 'term')) as {
      message_id: number;
      term: string;
    }[];
  const key = (p: { message_id: number; term: string }) => `${p.message_id} ${p.term}`;
  const termsOf = (id: number, body: string) => [...new Set(indexText(body).split(' '))].map((term) => key({ message_id: id, term }));
  const pending = async (ids: number[]) =>
    (await t.server.knex('message_terms_pending').whereIn('message_id', ids).pluck('message_id')).length;

  it('what a crash left unposted is posted by the next start, as the messages read by then (edited, recalled)', async () => {
    const kept = await send(t, a, roomId, 'zeppelin one');
    const edited = await send(t, a, roomId, 'zeppelin two');
    const recalled = await send(t, a, roomId, 'zeppelin three');
    const ids = [kept.id, edited.id, recalled.id];
    expect(bodies(await search(a, { q: 'zeppelin' }))).toEqual(['zeppelin three', 'zeppelin two', 'zeppelin one']);
    expect(await pending(ids)).toBe(0);
    // The process died after the commits, before the postings: the terms and the pending rows are there, no postings.
    await t.server.knex('message_terms').whereIn('message_id', ids).delete();
    await t.server.knex('message_terms_pending').insert(ids.map((id) => ({ message_id: id })));
    expect(bodies(await search(a, { q: 'zeppelin' }))).toEqual([]);
    // Meanwhile (on another node) one is edited and one recalled.
    expectStatus(await t.api.patch(`/api/messages/${edited.id}`).set(a.auth).send({ body: 'blimp two' }), 200);
    expectStatus(await t.api.delete(`/api/messages/${recalled.id}`).set(a.auth), 200);
    // The next process to start posts the leftovers.
    const restarted = new TermPoster(t.server.knex);
    await restarted.start();
    await restarted.settle();
    await restarted.close();
    expect(bodies(await search(a, { q: 'zeppelin' }))).toEqual(['zeppelin one']);
    expect(bodies(await search(a, { q: 'blimp' }))).toEqual(['blimp two']);
    expect(await pending(ids)).toBe(0);
    expect((await postingsOf(ids)).map(key).sort()).toEqual(
      [...termsOf(kept.id, 'zeppelin one'), ...termsOf(edited.id, 'blimp two')].sort(),
    );
  });

  it('edits and recalls sent right behind the messages leave exactly the final terms posted, nothing pending', async () => {
    const n = 40;
    const sent = await Promise.all(Array.from({ length: n }, (_, i) => send(t, a, roomId, `racing walrus ${i}`)));
    // Straight after each ack, while its postings may still be on their way: every other one edited, every fifth recalled.
    await Promise.all(
      sent.map(async (m, i) => {
        if (i % 5 === 0) expectStatus(await t.api.delete(`/api/messages/${m.id}`).set(a.auth), 200);
        else if (i % 2 === 0)
          expectStatus(
            await t.api
              .patch(`/api/messages/${m.id}`)
              .set(a.auth)
              .send({ body: `racing narwhal ${i}` }),
            200,
          );
      }),
    );
    const walrus = sent.filter((_, i) => i % 5 !== 0 && i % 2 !== 0).map((m) => m.body);
    const narwhal = sent.flatMap((_, i) => (i % 5 !== 0 && i % 2 === 0 ? [`racing narwhal ${i}`] : []));
    const found = async (q: string) => bodies(await search(a, { q, roomId, limit: 50 })).sort();
    expect(await found('walrus')).toEqual([...walrus].sort());
    expect(await found('narwhal')).toEqual([...narwhal].sort());
    const ids = sent.map((m) => m.id);
    expect(await pending(ids)).toBe(0);
    const expected = sent.flatMap((m, i) => (i % 5 === 0 ? [] : termsOf(m.id, i % 2 === 0 ? `racing narwhal ${i}` : m.body)));
    expect((await postingsOf(ids)).map(key).sort()).toEqual(expected.sort());
  });
});
