// Files end to end on the real server: upload, send, download with Range/ETag, access control, and the bad-input
// battery. After each hostile input, nothing is left on disk that no row points at.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message, MyRoom, Upload } from '../../protocol/types.js';
import { messagePreview } from '../../protocol/preview.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { clientId, createRoom, expectError, expectStatus } from '../test/expect.js';
import { connectReady } from '../test/sockets.js';
import { filesUnder, hugePng, jpegWithExif, multipart, pdf, png, zipBomb } from '../test/files.js';

let t: TestServer;
let a: TestUser;
let b: TestUser;
let stranger: TestUser;
let roomId: number;

beforeAll(async () => {
  t = await startTestServer({ UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) });
  [a, b, stranger] = await Promise.all([t.register(), t.register(), t.register()]);
  roomId = (await createRoom(t, a, { memberIds: [b.id] })).id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function upload(user: TestUser, file: Buffer, filename: string) {
  const { body, type } = multipart(file, filename);
  return t.api.post('/api/uploads').set(user.auth).set('Content-Type', type).send(body);
}

async function uploaded(user: TestUser, file: Buffer, filename: string): Promise<Upload> {
  const res = await upload(user, file, filename);
  expectStatus(res, 201);
  return res.body as Upload;
}

function sendFile(user: TestUser, body: Record<string, unknown>, room = roomId) {
  return t.api
    .post(`/api/rooms/${room}/messages`)
    .set(user.auth)
    .send({ clientId: clientId(), body: '', ...body });
}

async function download(user: TestUser, url: string, headers: Record<string, string> = {}) {
  return t.api
    .get(url)
    .set(user.auth)
    .set(headers)
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        // Errors come back in the JSON shape; file bytes stay bytes.
        done(null, /^application\/json/.test(String(res.headers['content-type'])) ? (JSON.parse(bytes.toString()) as unknown) : bytes);
      });
    });
}

/** Every stored object and temporary file belongs to an upload row: nothing unreachable stays on disk. */
async function expectNoStrays(): Promise<void> {
  const rows = (await t.server.knex('uploads').select('storage_key', 'thumb_key')) as { storage_key: string; thumb_key: string | null }[];
  const keys = new Set(rows.flatMap((r) => [r.storage_key, r.thumb_key]).filter((k): k is string => k !== null));
  await vi.waitFor(
    async () => {
      const tmp = await filesUnder(path.join(t.config.dataDir, 'tmp'));
      expect(tmp).toEqual([]);
    },
    { timeout: 10_000, interval: 50 },
  );
  const stored = (await filesUnder(path.join(t.config.dataDir, 'files'))).map((f) => path.basename(f));
  expect(stored.filter((k) => !keys.has(k))).toEqual([]);
}

describe('an image, sent and seen', () => {
  let up: Upload;
  let message: Message;

  it('upload: 201 Upload with the size read from the header, orientation applied, metadata gone', async () => {
    up = await uploaded(a, await jpegWithExif(120, 80), 'holiday.JPG');
    expect(up).toMatchObject({ name: 'holiday.JPG', mimeType: 'image/jpeg', width: 80, height: 120 });
    const res = await download(a, `/api/files/${up.id}`);
    expectStatus(res, 200);
    const bytes = res.body as Buffer;
    expect(bytes.includes(Buffer.from('SECRET-EXIF-MARK'))).toBe(false);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-disposition']).toMatch(/^inline; filename=holiday.JPG/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  it('before it is sent, only the uploader can read it', async () => {
    expectError(await download(b, `/api/files/${up.id}`), 404, 'NOT_FOUND');
  });

  it('sent as kind image over REST: the message carries the attachment; the same clientId again gives the same message', async () => {
    const cid = clientId();
    const first = await t.api
      .post(`/api/rooms/${roomId}/messages`)
      .set(a.auth)
      .send({ clientId: cid, kind: 'image', attachmentId: up.id, body: 'look' });
    expectStatus(first, 201);
    message = first.body as Message;
    expect(message.attachment).toEqual({ id: up.id, name: up.name, mimeType: 'image/jpeg', size: up.size, width: 80, height: 120 });
    const again = await t.api
      .post(`/api/rooms/${roomId}/messages`)
      .set(a.auth)
      .send({ clientId: cid, kind: 'image', attachmentId: up.id, body: 'look' });
    expectStatus(again, 200);
    expect((again.body as Message).id).toBe(message.id);
  });

  it('members read it and its thumbnail; history and the room list show it', async () => {
    const full = await download(b, `/api/files/${up.id}`);
    expectStatus(full, 200);
    const thumb = await download(b, `/api/files/${up.id}/thumbnail`);
    expectStatus(thumb, 200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const hist = await t.api.get(`/api/rooms/${roomId}/messages`).set(b.auth);
    expect((hist.body as { messages: Message[] }).messages.at(-1)).toMatchObject({
      id: message.id,
      kind: 'image',
      attachment: { id: up.id },
    });
    const rooms = (await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[];
    const last = rooms.find((r) => r.id === roomId)!.lastMessage!;
    expect(messagePreview(last)).toBe('[image] look');
  });

  it('ETag answers 304; Range answers 206 with the bytes asked for; a range past the end is 416 in the error shape', async () => {
    const full = await download(b, `/api/files/${up.id}`);
    const etag = full.headers['etag'] as string;
    expect(etag).toMatch(/^"/);
    expectStatus(await download(b, `/api/files/${up.id}`, { 'If-None-Match': etag }), 304);
    const part = await download(b, `/api/files/${up.id}`, { Range: 'bytes=10-19' });
    expectStatus(part, 206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${up.size}`);
    expect(part.body).toEqual((full.body as Buffer).subarray(10, 20));
    const past = await download(b, `/api/files/${up.id}`, { Range: `bytes=${up.size + 10}-` });
    expectError(past, 416, 'RANGE_NOT_SATISFIABLE');
  });

  it('a stranger gets 404; a former member gets 404; after a recall nobody does, and the bytes are gone', async () => {
    expectError(await download(stranger, `/api/files/${up.id}`), 404, 'NOT_FOUND');
    const c = await t.register();
    const other = (await createRoom(t, a, { memberIds: [c.id] })).id;
    const pic = await uploaded(a, await png(), 'p.png');
    expectStatus(await sendFile(a, { kind: 'image', attachmentId: pic.id }, other), 201);
    expectStatus(await download(c, `/api/files/${pic.id}`), 200);
    expectStatus(await t.api.post(`/api/rooms/${other}/leave`).set(c.auth), 204);
    expectError(await download(c, `/api/files/${pic.id}`), 404, 'NOT_FOUND');

    expectStatus(await t.api.delete(`/api/messages/${message.id}`).set(a.auth), 200);
    await vi.waitFor(async () => expectError(await download(a, `/api/files/${up.id}`), 404, 'NOT_FOUND'), { timeout: 5000 });
    expectError(await download(b, `/api/files/${up.id}/thumbnail`), 404, 'NOT_FOUND');
    await vi.waitFor(async () => expect(await t.server.knex('uploads').where({ id: up.id }).first()).toBeUndefined(), { timeout: 5000 });
    await expectNoStrays();
  });
});

describe('a PDF, sent over the socket', () => {
  it('kind file: downloaded as an attachment with an RFC 6266 filename; the preview says "[file] name"', async () => {
    const up = await uploaded(a, pdf(), 'Quarterly report 季度.pdf');
    expect(up).toMatchObject({ mimeType: 'application/pdf', width: null, height: null, name: 'Quarterly report 季度.pdf' });
    const { socket } = await connectReady(t.url, a.accessToken);
    try {
      const cid = clientId();
      const payload = { roomId, clientId: cid, kind: 'file' as const, attachmentId: up.id, body: '' };
      const ack = await socket.timeout(5000).emitWithAck('message:send', payload);
      expect(ack).toMatchObject({ ok: true, message: { kind: 'file', attachment: { id: up.id } } });
      const retry = await socket.timeout(5000).emitWithAck('message:send', payload);
      expect(retry).toMatchObject({ ok: true, message: { id: (ack as { message: Message }).message.id } });
      expect(messagePreview((ack as { message: Message }).message)).toBe('[file] Quarterly report 季度.pdf');
    } finally {
      socket.close();
    }
    const res = await download(b, `/api/files/${up.id}`);
    expectStatus(res, 200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Quarterly report ??.pdf"; filename*=UTF-8''Quarterly%20report%20%E5%AD%A3%E5%BA%A6.pdf`,
    );
    expect(res.body).toEqual(pdf());
    expectError(await download(b, `/api/files/${up.id}/thumbnail`), 404, 'NOT_FOUND');
  });
});

describe('sending uploads wrongly', () => {
  it('twice, someone else’s, as the wrong kind, text with an attachment, image without one', async () => {
    const up = await uploaded(a, await png(), 'x.png');
    expectStatus(await sendFile(a, { kind: 'image', attachmentId: up.id }), 201);
    const twice = await sendFile(a, { kind: 'image', attachmentId: up.id });
    expectError(twice, 409, 'CONFLICT');
    const mine = await uploaded(b, await png(), 'b.png');
    expectError(await sendFile(a, { kind: 'image', attachmentId: mine.id }), 400, 'VALIDATION_FAILED');
    const doc = await uploaded(a, pdf(), 'd.pdf');
    const wrong = await sendFile(a, { kind: 'image', attachmentId: doc.id });
    expectError(wrong, 400, 'VALIDATION_FAILED');
    expect((wrong.body as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('kind');
    expectError(await sendFile(a, { kind: 'file', attachmentId: mine.id }), 400, 'VALIDATION_FAILED');
    expectError(await sendFile(a, { kind: 'text', body: 'hi', attachmentId: doc.id }), 400, 'VALIDATION_FAILED');
    expectError(await sendFile(a, { kind: 'image' }), 400, 'VALIDATION_FAILED');
    expectError(await sendFile(a, { kind: 'file', attachmentId: 999999 }), 400, 'VALIDATION_FAILED');
    // A stranger to the (private) room cannot send their upload into it either.
    const theirs = await uploaded(stranger, pdf(), 's.pdf');
    expectError(await sendFile(stranger, { kind: 'file', attachmentId: theirs.id }), 404, 'NOT_FOUND');
    expect((await t.server.knex('uploads').where({ id: theirs.id }).first()).message_id).toBeNull();
    // Two different messages racing for one upload: one wins, the other is refused, no message without its file.
    const race = await uploaded(a, pdf(), 'race.pdf');
    const results = await Promise.all([1, 2, 3].map(() => sendFile(a, { kind: 'file', attachmentId: race.id })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });
});

describe('the bad-input battery', () => {
  it('a file whose extension lies is typed by its bytes', async () => {
    const image = await uploaded(a, await png(), 'report.pdf');
    expect(image).toMatchObject({ mimeType: 'image/png', name: 'report.png' });
    const doc = await uploaded(a, pdf(), 'photo.jpg');
    expect(doc).toMatchObject({ mimeType: 'application/pdf', width: null, name: 'photo.jpg' });
    const res = await download(a, `/api/files/${doc.id}`);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
  });

  it('HTML and SVG are plain files: downloaded, never rendered', async () => {
    for (const [name, bytes] of [
      ['page.html', '<!doctype html><html><script>alert(document.cookie)</script></html>'],
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ] as const) {
      const up = await uploaded(a, Buffer.from(bytes), name);
      expect(up.width).toBeNull();
      expect(up.mimeType).not.toMatch(/html|svg/);
      const res = await download(a, `/api/files/${up.id}`);
      expect(res.headers['content-disposition']).toMatch(/^attachment/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain('sandbox');
      expectError(await sendFile(a, { kind: 'image', attachmentId: up.id }), 400, 'VALIDATION_FAILED');
    }
  });

  it('a polyglot (a PNG with HTML behind it) is re-encoded: the HTML does not survive', async () => {
    const up = await uploaded(a, Buffer.concat([await png(), Buffer.from('<html><script>alert(1)</script></html>')]), 'poly.png');
    expect(up.mimeType).toBe('image/png');
    const res = await download(a, `/api/files/${up.id}`);
    expect((res.body as Buffer).includes(Buffer.from('<script>'))).toBe(false);
  });

  it('a truncated image, a 20000x20000 PNG: 415, nothing kept', async () => {
    const jpeg = await jpegWithExif(400, 300);
    expectError(await upload(a, jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'cut.jpg'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const started = performance.now();
    expectError(await upload(a, hugePng(), 'bomb.png'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // Refused from the header: decoding 400 megapixels would take far longer and far more memory.
    expect(performance.now() - started).toBeLessThan(5000);
    await expectNoStrays();
  });

  it('a zip bomb is stored as the few KiB it is, never opened', async () => {
    const bomb = zipBomb();
    const up = await uploaded(a, bomb, 'bomb.zip');
    expect(up).toMatchObject({ mimeType: 'application/zip', size: bomb.length });
  });

  it('filenames: ../, NUL, RTL override, 300 characters, only dots', async () => {
    // A raw NUL inside the multipart header is malformed framing: refused whole.
    expectError(await upload(a, Buffer.from('x'), 'a\u0000b.txt'), 400, 'VALIDATION_FAILED');
    const names = await Promise.all(
      ['../../etc/passwd', 'a\u2067b.txt', 'invoice\u202Efdp.exe', `${'n'.repeat(300)}.txt`, '....', '.env'].map(
        async (n) => (await uploaded(a, Buffer.from('plain text'), n)).name,
      ),
    );
    expect(names[0]).not.toMatch(/[/\\]|^\./);
    expect(names[1]).toBe('ab.txt');
    expect(names[2]).toBe('invoicefdp.exe');
    expect([...names[3]!].length).toBe(200);
    expect(names[3]!.endsWith('.txt')).toBe(true);
    expect(names[4]).toBe('file');
    expect(names[5]).toBe('env');
    // An encoded NUL (RFC 5987 filename*) reaches the cleaner, which drops it.
    const { body, type } = multipart(Buffer.from('x'), 'ignored');
    const encoded = body.toString('latin1').replace('filename="ignored"', "filename*=UTF-8''a%00%01%7Fb%E2%80%AE.txt");
    const res = await t.api.post('/api/uploads').set(a.auth).set('Content-Type', type).send(Buffer.from(encoded, 'latin1'));
    expectStatus(res, 201);
    expect((res.body as Upload).name).toBe('ab.txt');
  });

  it('an empty file, no file part, a wrong field, not multipart: 400/415 in the error shape', async () => {
    expectError(await upload(a, Buffer.alloc(0), 'empty.txt'), 400, 'VALIDATION_FAILED');
    const { body, type } = multipart(Buffer.from('x'), 'x.txt', 'other');
    expectError(await t.api.post('/api/uploads').set(a.auth).set('Content-Type', type).send(body), 400, 'VALIDATION_FAILED');
    expectError(await t.api.post('/api/uploads').set(a.auth).send({ file: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await t.api.post('/api/uploads').send(body).set('Content-Type', type), 401);
    await expectNoStrays();
  });

  it('over UPLOAD_MAX_BYTES: 413, declared or not, and nothing left behind', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    expectError(await upload(a, big, 'big.bin'), 413, 'PAYLOAD_TOO_LARGE');
    // Without Content-Length (chunked): stopped by counting the bytes as they stream.
    const { body, type } = multipart(big, 'big.bin');
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${t.url}/api/uploads`, { method: 'POST', headers: { ...a.auth, 'Content-Type': type } }, (r) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    await expectNoStrays();
  });

  it('an upload cut off mid-stream keeps no partial file and no row', async () => {
    const before = (await t.server.knex('uploads').count({ n: '*' }).first()) as { n: number | string };
    const { body, type } = multipart(Buffer.alloc(1024 * 1024, 1), 'cut.bin');
    await new Promise<void>((resolve) => {
      const req = http.request(`${t.url}/api/uploads`, {
        method: 'POST',
        headers: { ...a.auth, 'Content-Type': type, 'Content-Length': String(body.length) },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 300 * 1024), () => setImmediate(() => req.destroy()));
      req.on('close', () => resolve());
    });
    await expectNoStrays();
    const after = (await t.server.knex('uploads').count({ n: '*' }).first()) as { n: number | string };
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('the sweeper', () => {
  it('removes uploads never attached within 24 hours, and keeps attached ones', async () => {
    const orphan = await uploaded(a, pdf(), 'orphan.pdf');
    const kept = await uploaded(a, pdf(), 'kept.pdf');
    expectStatus(await sendFile(a, { kind: 'file', attachmentId: kept.id }), 201);
    const removed = await t.server.services.sweeper.sweep(Date.now() + 25 * 3600_000);
    expect(removed).toBeGreaterThan(0);
    expectError(await download(a, `/api/files/${orphan.id}`), 404, 'NOT_FOUND');
    expectStatus(await download(b, `/api/files/${kept.id}`), 200);
    await expectNoStrays();
  });
});

describe('quota and rate limit', () => {
  let q: TestServer;
  afterAll(async () => {
    await q?.close();
  });

  it('UPLOAD_QUOTA_BYTES: 413 QUOTA_EXCEEDED once a user holds that much; UPLOAD_RATE_LIMIT: 429 with Retry-After', async () => {
    q = await startTestServer({ UPLOAD_QUOTA_BYTES: String(300 * 1024), UPLOAD_RATE_LIMIT: '4' });
    const u = await q.register();
    const post = (bytes: Buffer) => {
      const { body, type } = multipart(bytes, 'f.bin');
      return q.api.post('/api/uploads').set(u.auth).set('Content-Type', type).send(body);
    };
    expectStatus(await post(Buffer.alloc(200 * 1024, 1)), 201);
    expectError(await post(Buffer.alloc(200 * 1024, 1)), 413, 'QUOTA_EXCEEDED');
    expectStatus(await post(Buffer.alloc(50 * 1024, 1)), 201);
    const limited = await post(Buffer.alloc(10, 1));
    expectStatus(await post(Buffer.alloc(10, 1)), 429);
    expect(limited.status).toBe(201);
  }, 60_000);
});

describe('avatars', () => {
  it('PUT makes a square picture any signed-in user can see, user:updated reaches room members, DELETE removes it', async () => {
    const { socket } = await connectReady(t.url, b.accessToken);
    try {
      const updated = new Promise<{ id: number; avatarUrl: string | null }>((resolve) =>
        socket.on('user:updated', (u) => u.id === a.id && resolve(u)),
      );
      const { body, type } = multipart(await jpegWithExif(300, 200), 'me.jpg');
      const res = await t.api.put('/api/users/me/avatar').set(a.auth).set('Content-Type', type).send(body);
      expectStatus(res, 200);
      const url = (res.body as { avatarUrl: string }).avatarUrl;
      expect(url).toMatch(/^\/api\/files\/\d+$/);
      expect((await updated).avatarUrl).toBe(url);
      const pic = await download(stranger, url);
      expectStatus(pic, 200);
      expect(pic.headers['content-type']).toBe('image/webp');
      const { default: sharp } = await import('sharp');
      const meta = await sharp(pic.body as Buffer).metadata();
      expect([meta.width, meta.height]).toEqual([256, 256]);

      // Replacing it removes the old picture; a PDF is refused.
      const again = multipart(await png(40, 90), 'me2.png');
      const res2 = await t.api.put('/api/users/me/avatar').set(a.auth).set('Content-Type', again.type).send(again.body);
      expectStatus(res2, 200);
      expectError(await download(stranger, url), 404, 'NOT_FOUND');
      const doc = multipart(pdf(), 'me.pdf');
      expectError(
        await t.api.put('/api/users/me/avatar').set(a.auth).set('Content-Type', doc.type).send(doc.body),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );

      const gone = await t.api.delete('/api/users/me/avatar').set(a.auth);
      expectStatus(gone, 200);
      expect((gone.body as { avatarUrl: unknown }).avatarUrl).toBeNull();
      expectError(await download(stranger, (res2.body as { avatarUrl: string }).avatarUrl), 404, 'NOT_FOUND');
      await expectNoStrays();
    } finally {
      socket.close();
    }
  });
});
