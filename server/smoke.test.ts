import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test/harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('smoke', () => {
  it('health is ok', async () => {
    const res = await t.api.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'ok' });
  });
  it('register, create room, send, read history', async () => {
    const a = await t.register();
    const b = await t.register();
    const room = await t.api
      .post('/api/rooms')
      .set(a.auth)
      .send({ name: 'General', visibility: 'private', memberIds: [b.id] });
    expect(room.status).toBe(201);
    const sent = await t.api.post(`/api/rooms/${room.body.id}/messages`).set(a.auth).send({ clientId: 'c-1', body: 'hello' });
    expect(sent.status).toBe(201);
    expect(sent.body.seq).toBe(2); // after the room-created system message
    const again = await t.api.post(`/api/rooms/${room.body.id}/messages`).set(a.auth).send({ clientId: 'c-1', body: 'hello' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(sent.body.id);
    const list = await t.api.get('/api/rooms').set(b.auth);
    expect(list.body[0]).toMatchObject({ unreadCount: 1, lastMessage: { body: 'hello' } });
    const hist = await t.api.get(`/api/rooms/${room.body.id}/messages`).set(b.auth);
    expect(hist.body).toMatchObject({
      hasMore: false,
      messages: [
        { seq: 1, kind: 'system' },
        { seq: 2, body: 'hello' },
      ],
    });
  });
});
