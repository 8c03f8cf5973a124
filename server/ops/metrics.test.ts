// GET /metrics: Prometheus text from a per-server registry; counters move with traffic; METRICS_TOKEN is enforced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';

/** The value of one sample line, e.g. sample(text, 'messenger_messages_persisted_total{kind="text"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics without a token', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the Prometheus exposition with the standard and the messenger metrics', async () => {
    const res = await t.api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'http_request_duration_seconds',
      'messenger_messages_persisted_total',
      'messenger_sockets_connected',
      'messenger_socket_ack_latency_seconds',
      'messenger_db_pool_used',
      'messenger_db_pool_free',
      'messenger_db_pool_pending',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts traffic by route pattern (never the raw URL) and persisted messages', async () => {
    const a = await t.register();
    const room = await t.api.post('/api/rooms').set(a.auth).send({ name: 'Metrics', visibility: 'private' });
    expect(room.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const sent = await t.api
        .post(`/api/rooms/${room.body.id}/messages`)
        .set(a.auth)
        .send({ clientId: `m-${i}`, body: `hello ${i}` });
      expect(sent.status).toBe(201);
    }
    // A retry with a used clientId is not a new message.
    const again = await t.api.post(`/api/rooms/${room.body.id}/messages`).set(a.auth).send({ clientId: 'm-0', body: 'hello 0' });
    expect(again.status).toBe(200);
    expect((await t.api.get('/api/rooms/999999').set(a.auth)).status).toBe(404);
    expect((await t.api.get('/api/no/such/thing/42')).status).toBe(404);

    const text = (await t.api.get('/metrics')).text;
    expect(sample(text, 'messenger_messages_persisted_total{kind="text"}')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/rooms/:id/messages",status="201"}')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/rooms/:id/messages",status="200"}')).toBe(1);
    // A matched route that answered with an error keeps its pattern.
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/rooms/:id",status="404"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/auth/register",status="201"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/route="\/api\/rooms\/\d/);
    expect(text).not.toContain('/api/no/such');
    expect(sample(text, 'messenger_db_pool_used')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'messenger_db_pool_pending')).toBe(0);
  });

  it('exposes the hooks the realtime gateway reports through', async () => {
    t.server.metrics.socketsConnected.inc();
    t.server.metrics.socketsConnected.inc();
    t.server.metrics.socketsConnected.dec();
    t.server.metrics.ackLatency.observe({ event: 'message:send' }, 0.02);
    const text = await t.server.metrics.render();
    expect(sample(text, 'messenger_sockets_connected')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'messenger_socket_ack_latency_seconds_count{event="message:send"}')).toBeGreaterThanOrEqual(1);
    t.server.metrics.socketsConnected.dec();
  });
});

describe('metrics with METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789abcdef';
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ METRICS_TOKEN: token });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a missing or wrong token and accepts the right one', async () => {
    const none = await t.api.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    expect(none.text).not.toContain('process_cpu');
    expect((await t.api.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await t.api.get('/metrics').set('Authorization', token)).status).toBe(401);
    const ok = await t.api.get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  it('leaves the rest of the server public as before', async () => {
    expect((await t.api.get('/api/health')).status).toBe(200);
  });
});
