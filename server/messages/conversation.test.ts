// Conversation features through the real server, REST and real sockets: mentions, notification levels,
// reactions, read receipts, system messages, replies and the online count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage, Member, Message, MyRoom } from '../../protocol/types.js';
import { addMember, clientId, createRoom, expectError, expectStatus, send } from '../test/expect.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { collect, connectReady, once, onceWhere, waitFor, type ClientSocket } from '../test/sockets.js';

let t: TestServer;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function ready(user: TestUser) {
  const c = await connectReady(t.url, user.accessToken);
  sockets.push(c.socket);
  return c;
}
async function history(user: TestUser, roomId: number): Promise<Message[]> {
  const res = await t.api.get(`/api/rooms/${roomId}/messages`).query({ limit: 100 }).set(user.auth);
  expectStatus(res, 200);
  return (res.body as HistoryPage).messages;
}
async function myRoom(user: TestUser, roomId: number): Promise<MyRoom> {
  const res = await t.api.get(`/api/rooms/${roomId}`).set(user.auth);
  expectStatus(res, 200);
  return res.body as MyRoom;
}
const react = (user: TestUser, messageId: number, emoji: string, on = true) =>
  t.api[on ? 'put' : 'delete'](`/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`).set(user.auth);

describe('mentions', () => {
  it('@username of members only; @room expands for owner/admin and is plain text from a member; code is not parsed', async () => {
    const [owner, ann, bob, stranger] = await Promise.all([t.register(), t.register(), t.register(), t.register()]);
    const room = await createRoom(t, owner, { memberIds: [ann.id, bob.id] });
    const m1 = await send(t, owner, room.id, `hi @${ann.username.toUpperCase()} and @${stranger.username}, mail x@${bob.username}`);
    expect(m1.mentions).toEqual([ann.id]);
    const m2 = await send(t, ann, room.id, `@room look, @${owner.username}`);
    expect(m2.mentions).toEqual([owner.id]); // @room from a member mentions no one
    const m3 = await send(t, owner, room.id, '@room standup');
    expect(m3.mentions).toEqual([ann.id, bob.id].sort((a, b) => a - b)); // everyone but the sender
    const m4 = await send(t, owner, room.id, `\`@${ann.username}\` and\n\`\`\`\n@${bob.username}\n\`\`\``);
    expect(m4.mentions).toEqual([]);
    // History carries the same mentions.
    const h = await history(bob, room.id);
    expect(h.find((m) => m.id === m3.id)!.mentions).toEqual(m3.mentions);
    expect(h.find((m) => m.id === m1.id)!.mentions).toEqual([ann.id]);
  });

  it('mentionCount counts unread messages that mention the caller; reading, recall and edits change it', async () => {
    const [owner, ann] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, owner, { memberIds: [ann.id] });
    const a = await send(t, owner, room.id, `@${ann.username} one`);
    await send(t, owner, room.id, 'no mention');
    const b = await send(t, owner, room.id, `two @${ann.username}`);
    expect(await myRoom(ann, room.id)).toMatchObject({ mentionCount: 2, unreadCount: 3 });
    expect(await myRoom(owner, room.id)).toMatchObject({ mentionCount: 0 });
    // Edit away the mention of b; edit one into a plain message.
    const edited = await t.api.patch(`/api/messages/${b.id}`).set(owner.auth).send({ body: 'two, nobody' });
    expectStatus(edited, 200);
    expect(edited.body.mentions).toEqual([]);
    expect(await myRoom(ann, room.id)).toMatchObject({ mentionCount: 1 });
    const c = await send(t, owner, room.id, 'three');
    const named = await t.api
      .patch(`/api/messages/${c.id}`)
      .set(owner.auth)
      .send({ body: `three @${ann.username}` });
    expect(named.body.mentions).toEqual([ann.id]);
    expect(await myRoom(ann, room.id)).toMatchObject({ mentionCount: 2 });
    // Recall drops the mention.
    expectStatus(await t.api.delete(`/api/messages/${a.id}`).set(owner.auth), 200);
    expect(await myRoom(ann, room.id)).toMatchObject({ mentionCount: 1 });
    // Reading past it clears it.
    expectStatus(await t.api.put(`/api/rooms/${room.id}/read`).set(ann.auth).send({ seq: c.seq }), 200);
    expect(await myRoom(ann, room.id)).toMatchObject({ mentionCount: 0, unreadCount: 0 });
    // The room list says the same.
    const list = (await t.api.get('/api/rooms').set(ann.auth)).body as MyRoom[];
    expect(list.find((r) => r.id === room.id)).toMatchObject({ mentionCount: 0 });
  });
});

describe('notification levels', () => {
  it('PUT settings takes { notify } or { muted }, keeps muted == (notify none), and syncs room:settings to my other sockets only', async () => {
    const [me, other] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, me, { memberIds: [other.id] });
    expect(room).toMatchObject({ notify: 'all', muted: false });
    const mine = await ready(me);
    const theirs = collect((await ready(other)).socket, 'room:settings');
    const synced = once(mine.socket, 'room:settings');
    const res = await t.api.put(`/api/rooms/${room.id}/settings`).set(me.auth).send({ notify: 'mentions' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ notify: 'mentions', muted: false });
    expect(await synced).toEqual({ roomId: room.id, notify: 'mentions', muted: false });
    const muted = once(mine.socket, 'room:settings');
    expect((await t.api.put(`/api/rooms/${room.id}/settings`).set(me.auth).send({ muted: true })).body).toMatchObject({
      notify: 'none',
      muted: true,
    });
    expect(await muted).toEqual({ roomId: room.id, notify: 'none', muted: true });
    // Setting the same level again changes nothing and says nothing; the next change is the sentinel.
    const events = collect(mine.socket, 'room:settings');
    expectStatus(await t.api.put(`/api/rooms/${room.id}/settings`).set(me.auth).send({ notify: 'none' }), 200);
    const back = once(mine.socket, 'room:settings');
    expect((await t.api.put(`/api/rooms/${room.id}/settings`).set(me.auth).send({ muted: false })).body).toMatchObject({ notify: 'all' });
    expect(await back).toMatchObject({ notify: 'all' });
    expect(events.map((e) => e.notify)).toEqual(['all']);
    expect(theirs).toEqual([]);
    expect(await myRoom(other, room.id)).toMatchObject({ notify: 'all', muted: false });
  });
});

describe('reactions', () => {
  it('add, idempotent, ordered by first use, removed; broadcast as message:reactions; shown in history', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const m = await send(t, a, room.id, 'react to me');
    const watch = await ready(b);
    const changes = collect(watch.socket, 'message:reactions');
    const first = onceWhere(watch.socket, 'message:reactions', (c) => c.reactions.length === 1);
    const r1 = await react(a, m.id, '👍');
    expectStatus(r1, 200);
    expect(r1.body).toEqual({ roomId: room.id, messageId: m.id, reactions: [{ emoji: '👍', userIds: [a.id] }] });
    expect(await first).toEqual(r1.body);
    expectStatus(await react(a, m.id, '👍'), 200); // again: nothing changes
    await react(b, m.id, '🎉');
    const last = onceWhere(watch.socket, 'message:reactions', (c) => c.reactions[0]?.userIds.length === 2);
    // A bare heart and the emoji-presentation heart are one reaction.
    await react(b, m.id, '\u2764');
    const both = await react(b, m.id, '👍');
    await last;
    expect(both.body.reactions).toEqual([
      { emoji: '👍', userIds: [a.id, b.id] },
      { emoji: '🎉', userIds: [b.id] },
      { emoji: '\u2764\ufe0f', userIds: [b.id] },
    ]);
    expect(changes.length).toBe(4); // the repeated 👍 was not broadcast
    // Order is by the earliest reaction still there: b's 👍 came after 🎉 and ❤️.
    const removed = await react(a, m.id, '👍', false);
    expect(removed.body.reactions).toEqual([
      { emoji: '🎉', userIds: [b.id] },
      { emoji: '\u2764\ufe0f', userIds: [b.id] },
      { emoji: '👍', userIds: [b.id] },
    ]);
    expectStatus(await react(a, m.id, '👍', false), 200); // removing what is not there is fine
    const h = await history(b, room.id);
    expect(h.find((x) => x.id === m.id)!.reactions).toEqual(removed.body.reactions);
    // Skin tones are different reactions (binary collation on MySQL).
    await react(a, m.id, '👍🏻');
    const tones = await react(a, m.id, '👍🏿');
    expect(tones.body.reactions.map((r: { emoji: string }) => r.emoji)).toEqual(['🎉', '\u2764\ufe0f', '👍', '👍🏻', '👍🏿']);
  });

  it('one emoji only; at most 20 different per message; none on recalled or system messages; members only', async () => {
    const [a, b, stranger] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const m = await send(t, a, room.id, 'x');
    for (const bad of ['a', '👍👍', '👍 ', ':)', '1', 'x'.repeat(40), '\u200d'])
      expectError(await react(a, m.id, bad), 400, 'VALIDATION_FAILED');
    const twenty = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '🥲', '😚', '🙂'];
    for (const e of twenty) expectStatus(await react(b, m.id, e), 200);
    const over = await react(a, m.id, '🤗');
    expectError(over, 409, 'CONFLICT');
    expect(over.body.error.details).toEqual([{ path: 'emoji', message: expect.any(String) }]);
    expectStatus(await react(a, m.id, '😀'), 200); // an existing emoji still takes more people
    expectError(await react(stranger, m.id, '😀'), 404, 'NOT_FOUND');
    const [system] = await history(a, room.id);
    expect(system!.kind).toBe('system');
    expectError(await react(a, system!.id, '😀'), 409, 'CONFLICT');
    expectStatus(await t.api.delete(`/api/messages/${m.id}`).set(a.auth), 200);
    expectError(await react(a, m.id, '😀'), 409, 'CONFLICT');
    expect((await t.api.get(`/api/messages/${m.id}`).set(a.auth)).body.reactions).toEqual([]);
  });

  it('socket message:react acks the reactions and broadcasts them', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const m = await send(t, b, room.id, 'y');
    const ca = await ready(a);
    const cb = await ready(b);
    const seen = once(cb.socket, 'message:reactions');
    const ack = await ca.socket.emitWithAck('message:react', { messageId: m.id, emoji: '🔥', on: true });
    expect(ack).toEqual({ ok: true, reactions: [{ emoji: '🔥', userIds: [a.id] }] });
    expect(await seen).toEqual({ roomId: room.id, messageId: m.id, reactions: [{ emoji: '🔥', userIds: [a.id] }] });
    const off = await ca.socket.emitWithAck('message:react', { messageId: m.id, emoji: '🔥', on: false });
    expect(off).toEqual({ ok: true, reactions: [] });
    const bad = await ca.socket.emitWithAck('message:react', { messageId: m.id, emoji: 'no', on: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('read receipts', () => {
  it('members carry lastReadSeq; room:member-read reaches other members, coalesced, never the reader', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    for (let i = 0; i < 12; i++) await send(t, a, room.id, `m${i}`);
    const ca = await ready(a);
    const cb = await ready(b);
    const toA = collect(ca.socket, 'room:member-read');
    const toB = collect(cb.socket, 'room:member-read');
    // Twelve moves in quick succession: a sees the first promptly and the rest as at most one more in the next second.
    const started = Date.now();
    for (let seq = 2; seq <= 13; seq++) await cb.socket.emitWithAck('room:read', { roomId: room.id, seq });
    await onceWhere(ca.socket, 'room:member-read', (p) => p.lastReadSeq === 13, 5000).catch(() => undefined);
    await waitFor(() => toA.some((p) => p.lastReadSeq === 13), 5000, 'final marker');
    expect(toA.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    expect(toA.every((p) => p.roomId === room.id && p.userId === b.id)).toBe(true);
    expect(toA.map((p) => p.lastReadSeq)).toEqual([...toA.map((p) => p.lastReadSeq)].sort((x, y) => x - y));
    // The reader gets its own room:read, never a room:member-read about itself; a's own read is the sentinel.
    const sentinel = onceWhere(cb.socket, 'room:member-read', (p) => p.userId === a.id);
    await ca.socket.emitWithAck('room:read', { roomId: room.id, seq: 13 });
    await sentinel;
    expect(toB.every((p) => p.userId === a.id)).toBe(true);
    const members = (await t.api.get(`/api/rooms/${room.id}/members`).set(a.auth)).body as Member[];
    expect(Object.fromEntries(members.map((m) => [m.user.id, m.lastReadSeq]))).toEqual({ [a.id]: 13, [b.id]: 13 });
  });

  it('many members reading at once arrive as one room:members-read per window', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => t.register()));
    const [owner, ...rest] = users as [TestUser, ...TestUser[]];
    const room = await createRoom(t, owner, { memberIds: rest.map((u) => u.id) });
    await send(t, owner, room.id, 'everyone read this');
    const watcher = await ready(owner);
    const batches = collect(watcher.socket, 'room:members-read');
    const singles = collect(watcher.socket, 'room:member-read');
    const readers = await Promise.all(rest.map((u) => ready(u)));
    await Promise.all(readers.map((r) => r.socket.emitWithAck('room:read', { roomId: room.id, seq: 2 })));
    await waitFor(
      () => new Set([...batches.flatMap((b) => b.reads.map((r) => r.userId)), ...singles.map((s) => s.userId)]).size === rest.length,
      5000,
      'all readers',
    );
    // Five readers in at most two sends (the first window may close before the last reader's move).
    expect(batches.length + singles.length).toBeLessThanOrEqual(2);
    expect(batches.length).toBeGreaterThanOrEqual(1);
  });
});

describe('system messages', () => {
  it('room changes leave system messages in seq order, never unread, not editable, recallable or reactable', async () => {
    const [owner, ann, bob, carl] = await Promise.all([t.register(), t.register(), t.register(), t.register()]);
    const room = await createRoom(t, owner, { name: 'Plans', visibility: 'public' });
    await addMember(t, owner, room.id, ann.id);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/join`).set(bob.auth), 200);
    await send(t, ann, room.id, 'hello');
    expectStatus(await t.api.patch(`/api/rooms/${room.id}/members/${ann.id}`).set(owner.auth).send({ role: 'admin' }), 200);
    expectStatus(await t.api.patch(`/api/rooms/${room.id}`).set(owner.auth).send({ name: 'Plans 2' }), 200);
    expectStatus(await t.api.patch(`/api/rooms/${room.id}`).set(owner.auth).send({ description: 'no rename' }), 200);
    expectStatus(await t.api.delete(`/api/rooms/${room.id}/members/${bob.id}`).set(ann.auth), 204);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/join`).set(carl.auth), 200);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/leave`).set(carl.auth), 204);
    const h = await history(owner, room.id);
    expect(h.map((m) => m.seq)).toEqual(h.map((_, i) => i + 1));
    expect(h.map((m) => (m.kind === 'system' ? [m.system!.event, m.system!.actorId, m.system!.userId, m.system!.name] : m.body))).toEqual([
      ['room-created', owner.id, null, 'Plans'],
      ['member-added', owner.id, ann.id, null],
      ['member-joined', bob.id, bob.id, null],
      'hello',
      ['role-changed', owner.id, ann.id, 'admin'],
      ['room-renamed', owner.id, null, 'Plans 2'],
      ['member-removed', ann.id, bob.id, null],
      ['member-joined', carl.id, carl.id, null],
      ['member-left', carl.id, carl.id, null],
    ]);
    for (const m of h.filter((x) => x.kind === 'system'))
      expect(m).toMatchObject({ body: '', clientId: null, mentions: [], reactions: [] });
    // Only 'hello' is unread for the owner; nothing for ann, who sent it.
    expect(await myRoom(owner, room.id)).toMatchObject({ unreadCount: 1, lastSeq: 9 });
    expect(await myRoom(ann, room.id)).toMatchObject({ unreadCount: 0 });
    const sys = h[1]!;
    expectError(await t.api.patch(`/api/messages/${sys.id}`).set(owner.auth).send({ body: 'x' }), 409, 'CONFLICT');
    expectError(await t.api.delete(`/api/messages/${sys.id}`).set(owner.auth), 409, 'CONFLICT');
    expectError(await react(owner, sys.id, '👍'), 409, 'CONFLICT');
  });

  it('members see system messages live, as message:new in seq order; a direct room has none', async () => {
    const [owner, ann, peer] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, owner);
    const c = await ready(owner);
    const got = collect(c.socket, 'message:new');
    const added = onceWhere(c.socket, 'message:new', (m) => m.system?.event === 'member-added');
    await addMember(t, owner, room.id, ann.id);
    expect(await added).toMatchObject({ roomId: room.id, seq: 2, kind: 'system', system: { userId: ann.id } });
    expect(got.map((m) => m.seq)).toEqual([2]);
    const direct = await t.api.post('/api/rooms/direct').set(owner.auth).send({ userId: peer.id });
    expect(direct.body).toMatchObject({ lastSeq: 0, lastMessage: null });
  });
});

describe('replies', () => {
  it('replyTo carries a brief of the original (200 characters, "" once recalled), in a fixed number of queries', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const long = '長'.repeat(150) + 'x'.repeat(100);
    const original = await send(t, a, room.id, long);
    const reply = await t.api
      .post(`/api/rooms/${room.id}/messages`)
      .set(b.auth)
      .send({ clientId: clientId(), body: 'yes', replyToId: original.id });
    expectStatus(reply, 201);
    expect(reply.body.replyTo).toEqual({
      id: original.id,
      seq: original.seq,
      senderId: a.id,
      kind: 'text',
      preview: '長'.repeat(150) + 'x'.repeat(50),
    });
    expect(original.replyTo).toBeNull();
    for (let i = 0; i < 30; i++) {
      await t.api
        .post(`/api/rooms/${room.id}/messages`)
        .set(b.auth)
        .send({ clientId: clientId(), body: `r${i}`, replyToId: i % 2 ? original.id : reply.body.id });
    }
    const queries: string[] = [];
    // The server's own background work can land in this window and is not the request's: the once-a-second look for
    // revoked sessions, and (MySQL) the search postings of the sends above, written after their commits.
    const background =
      /from [`"]sessions[`"] where [`"]revoked_at[`"] >=|message_search|message_terms|^(begin|commit|rollback|set transaction)/i;
    const count = (q: { sql: string }) => {
      if (!background.test(q.sql)) queries.push(q.sql);
    };
    t.server.knex.on('query', count);
    const h = await history(a, room.id);
    t.server.knex.off('query', count);
    expect(h.filter((m) => m.replyTo !== null)).toHaveLength(31);
    // membership check(s), the page, senders, mentions, reactions, reply briefs: not one per message.
    expect(queries.length, queries.join('\n')).toBeLessThanOrEqual(8);
    expectStatus(await t.api.delete(`/api/messages/${original.id}`).set(a.auth), 200);
    const after = await history(a, room.id);
    expect(after.find((m) => m.id === reply.body.id)!.replyTo).toMatchObject({ id: original.id, preview: '' });
  });
});

describe('online count', () => {
  it('session:ready counts the users online in my rooms, me included', async () => {
    const [a, b, c, outsider] = await Promise.all([t.register(), t.register(), t.register(), t.register()]);
    await createRoom(t, a, { memberIds: [b.id, c.id] });
    await ready(b);
    await ready(outsider);
    const { ready: r } = await ready(a);
    expect(r.onlineCount).toBe(2);
  });
});
