// A TCP proxy in front of the test server that can freeze the WebSocket connections passing through it: bytes stop
// flowing both ways while both ends stay open, which is what a laptop lid closed for an hour leaves behind (the app
// believes it is connected and hears nothing). New connections and plain HTTP keep working.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FreezingProxy {
  url: string;
  freezeWebSockets(): number;
  close(): Promise<void>;
}

export async function startFreezingProxy(target: string): Promise<FreezingProxy> {
  const { hostname, port } = new URL(target);
  const live = new Set<{ client: net.Socket; upstream: net.Socket; ws: boolean; frozen: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    const conn = { client, upstream, ws: false, frozen: false };
    live.add(conn);
    client.on('data', (chunk: Buffer) => {
      if (!conn.ws && /^GET [^\r\n]*\r\n(?:[^\r\n]+\r\n)*upgrade: websocket/im.test(chunk.toString('latin1'))) conn.ws = true;
      if (!conn.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!conn.frozen) client.write(chunk);
    });
    const end = () => {
      live.delete(conn);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', () => {
        // A frozen connection stays half-dead on purpose: the other side must not learn that it ended.
        if (!conn.frozen) end();
      });
    }
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freezeWebSockets() {
      let n = 0;
      for (const conn of live) {
        if (conn.ws && !conn.frozen) {
          conn.frozen = true;
          n++;
        }
      }
      return n;
    },
    async close() {
      for (const conn of live) {
        conn.client.destroy();
        conn.upstream.destroy();
      }
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
