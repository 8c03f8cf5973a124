// Which transport the client uses, seen from a proxy in front of a real server: long-polling where a proxy drops
// WebSocket upgrades, and, once a WebSocket has worked, WebSocket alone through failed reconnects (a restarting
// server), until many fail in a row.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../protocol/types.js';
import { createRoom } from '../server/test/expect.js';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import { tokenSource, waitFor } from '../server/test/sockets.js';
import { ApiClient } from './api.js';
import { RealtimeClient, WEBSOCKET_ONLY_MAX_FAILURES } from './realtime.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

/** What reached the proxy, in order: a long-polling request, an upgrade passed on, an upgrade refused. */
type Seen = 'polling' | 'websocket' | 'refused';

interface Proxy {
  url: string;
  seen: Seen[];
  /** Whether WebSocket upgrades are passed on (a proxy that drops Upgrade when false). */
  upgrades: boolean;
  /** Cuts every connection passed on so far (the clients see their transport close). */
  cutAll(): void;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const to = new URL(target);
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  };
  const proxy: Proxy = {
    url: '',
    seen: [],
    upgrades: true,
    cutAll: () => {
      for (const s of open) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        proxy.cutAll();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    if (req.url?.includes('transport=polling')) proxy.seen.push('polling');
    const upstream = http.request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers, agent: false },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (!proxy.upgrades) {
      proxy.seen.push('refused');
      socket.destroy();
      return;
    }
    proxy.seen.push('websocket');
    const upstream = net.connect(Number(to.port), to.hostname, () => {
      const headers: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    track(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return proxy;
}

/**
 * Two people in a room: one sends over REST; the other's client, made as the app makes it (default transports, quick
 * reconnects), reaches the server through `url` and collects what it receives.
 */
async function twoInARoom(url: string): Promise<{ sender: ApiClient; client: RealtimeClient; got: Message[]; room: number }> {
  const [a, b] = [await t.register(), await t.register()];
  const room = (await createRoom(t, a, { name: 'transports', memberIds: [b.id] })).id;
  const client = new RealtimeClient({
    serverUrl: url,
    getAccessToken: tokenSource(t.url, b),
    socketOptions: { reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true },
  });
  const got: Message[] = [];
  client.on('message', (m) => got.push(m));
  return { sender: new ApiClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, a) }), client, got, room };
}

describe('RealtimeClient transports', () => {
  it('falls back to long-polling behind a proxy that drops WebSocket upgrades, and receives messages', async () => {
    const proxy = await startProxy(t.url);
    proxy.upgrades = false;
    const { sender, client, got, room } = await twoInARoom(proxy.url);
    try {
      client.connect();
      await waitFor(() => client.state === 'online', 10_000, 'online through the proxy');
      expect(proxy.seen[0]).toBe('refused');
      expect(proxy.seen).toContain('polling');
      await sender.send(room, { clientId: 'through-polling', body: 'over long-polling' });
      await waitFor(() => got.some((m) => m.body === 'over long-polling'), 10_000, 'the message');
    } finally {
      client.close();
      await proxy.close();
    }
  });

  it('once a WebSocket has worked, reconnects on WebSocket alone, and allows long-polling again only after many failures', async () => {
    const proxy = await startProxy(t.url);
    const { sender, client, got, room } = await twoInARoom(proxy.url);
    try {
      client.connect();
      await waitFor(() => client.state === 'online', 10_000, 'online');
      expect(proxy.seen).toEqual(['websocket']);

      // The connection drops and the next WebSocket attempts fail, as while a server restarts.
      proxy.upgrades = false;
      proxy.cutAll();
      await waitFor(() => proxy.seen.includes('polling'), 15_000, 'a long-polling attempt');
      const failedFirst = proxy.seen.slice(1, proxy.seen.indexOf('polling'));
      // Before the fix: long-polling came right after the first failed WebSocket (socket.io's tryAllTransports).
      expect(failedFirst.length).toBeGreaterThanOrEqual(WEBSOCKET_ONLY_MAX_FAILURES);
      expect(new Set(failedFirst)).toEqual(new Set(['refused']));
      // The fallback itself still works: the way to the server may really have changed.
      await waitFor(() => client.state === 'online', 10_000, 'online again');
      await sender.send(room, { clientId: 'after-fallback', body: 'after the fallback' });
      await waitFor(() => got.some((m) => m.body === 'after the fallback'), 10_000, 'the message');
    } finally {
      client.close();
      await proxy.close();
    }
  });
});
