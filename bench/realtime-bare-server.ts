// Child-process entry of the baseline: a bare Socket.IO broadcast server with the same socket.io version and the
// same event shapes, but no auth, no database, no rate limits. A socket joins the room named in its handshake
// (`auth.room`); `message:send` is acked and broadcast to the room as a Message-shaped `message:new`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serveIpc } from './realtime-common.js';

interface SendPayload {
  roomId: number;
  clientId: string;
  body: string;
}

const http = createServer();
const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 100_000,
  pingInterval: 20_000,
  pingTimeout: 20_000,
});
const sender = { id: 1, username: 'sender', displayName: 'sender', avatarUrl: null, online: true, lastSeenAt: null };
const seqs = new Map<number, number>();
let nextId = 1;

io.on('connection', (socket) => {
  const room = Number((socket.handshake.auth as { room?: unknown }).room);
  void socket.join(`room:${room}`);
  socket.on('message:send', (p: SendPayload, ack: unknown) => {
    const seq = (seqs.get(p.roomId) ?? 0) + 1;
    seqs.set(p.roomId, seq);
    const message = {
      id: nextId++,
      roomId: p.roomId,
      seq,
      clientId: p.clientId,
      sender,
      kind: 'text',
      body: p.body,
      attachment: null,
      replyToId: null,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    // Same order as the real server: broadcast, then ack.
    io.to(`room:${p.roomId}`).emit('message:new', message);
    if (typeof ack === 'function') (ack as (r: unknown) => void)({ ok: true, message });
  });
  socket.emit('session:ready', { user: sender, rooms: [{ id: room, lastSeq: 0, lastReadSeq: 0 }] });
});

http.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.send?.({ listening: port });
});
serveIpc<{ cmd: 'stop' }>(() => {
  setImmediate(() => {
    io.close();
    process.exit(0);
  });
  return Promise.resolve(null);
});
