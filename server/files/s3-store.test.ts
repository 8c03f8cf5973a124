// Files in an S3-compatible object store: the real server against s3rver (an S3 API server running in this
// process, speaking HTTP with signed requests), and two replicas sharing one database and one bucket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Upload } from '../../protocol/types.js';
import { createLogger } from '../logger.js';
import { createServer, type ServerHandle } from '../server.js';
import { clientId, createRoom, expectError, expectStatus } from '../test/expect.js';
import { filesUnder, jpegWithExif, multipart } from '../test/files.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';

const BUCKET = 'messenger-files';
let s3dir: string;
let s3: S3rver;
let endpoint: string;
let t: TestServer;
let replica: ServerHandle;
let replicaApi: ReturnType<typeof supertest>;
let a: TestUser;
let b: TestUser;

beforeAll(async () => {
  s3dir = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  t = await startTestServer({
    S3_BUCKET: BUCKET,
    S3_PREFIX: 'files',
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  // A second replica: same configuration (database, bucket, secret), its own port and process state.
  replica = await createServer({ ...t.config, port: 0 }, { logger: createLogger('silent'), createDatabase: false });
  replicaApi = supertest(await replica.listen());
  [a, b] = await Promise.all([t.register(), t.register()]);
}, 60_000);

afterAll(async () => {
  await replica?.close();
  await t?.close();
  await s3?.close();
  if (s3dir) rmSync(s3dir, { recursive: true, force: true });
});

async function objects(): Promise<string[]> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const res = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    return (res.Contents ?? []).map((o) => o.Key!);
  } finally {
    client.destroy();
  }
}

describe('files in an S3-compatible store', () => {
  it('an image goes to the bucket (not DATA_DIR), is served with Range by either replica, and a recall deletes it', async () => {
    const jpeg = await jpegWithExif(600, 400);
    const { body, type } = multipart(jpeg, 'photo.jpg');
    const res = await t.api.post('/api/uploads').set(a.auth).set('Content-Type', type).send(body);
    expectStatus(res, 201);
    const up = res.body as Upload;
    expect(up).toMatchObject({ mimeType: 'image/jpeg', width: 400, height: 600 });
    const keys = await objects();
    expect(keys).toHaveLength(2); // the image and its thumbnail
    expect(keys.every((k) => k.startsWith('files/'))).toBe(true);
    expect(await filesUnder(path.join(t.config.dataDir, 'files'))).toEqual([]);

    const roomId = (await createRoom(t, a, { memberIds: [b.id] })).id;
    const sent = await t.api
      .post(`/api/rooms/${roomId}/messages`)
      .set(a.auth)
      .send({ clientId: clientId(), kind: 'image', attachmentId: up.id, body: '' });
    expectStatus(sent, 201);

    const viaOne = await t.api.get(`/api/files/${up.id}`).set(b.auth).buffer(true);
    const viaTwo = await replicaApi.get(`/api/files/${up.id}`).set(b.auth).buffer(true);
    expectStatus(viaOne, 200);
    expectStatus(viaTwo, 200);
    expect(Number(viaTwo.headers['content-length'])).toBe(up.size);
    expect(viaTwo.headers['etag']).toBe(viaOne.headers['etag']);
    const part = await replicaApi.get(`/api/files/${up.id}`).set(b.auth).set('Range', 'bytes=0-99');
    expectStatus(part, 206);
    expect(part.headers['content-range']).toBe(`bytes 0-99/${up.size}`);
    expectStatus(await replicaApi.get(`/api/files/${up.id}/thumbnail`).set(b.auth), 200);

    expectStatus(await replicaApi.delete(`/api/messages/${(sent.body as Message).id}`).set(a.auth), 200);
    await expect.poll(objects, { timeout: 10_000 }).toEqual([]);
    expectError(await t.api.get(`/api/files/${up.id}`).set(b.auth), 404, 'NOT_FOUND');
  });

  it('a file larger than one part goes up as a multipart upload and comes back byte for byte', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const { body, type } = multipart(big, 'big.bin');
    const res = await t.api.post('/api/uploads').set(a.auth).set('Content-Type', type).send(body);
    expectStatus(res, 201);
    const got = await replicaApi
      .get(`/api/files/${(res.body as Upload).id}`)
      .set(a.auth)
      .buffer(true)
      .parse((r, done) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => done(null, Buffer.concat(parts)));
      });
    expectStatus(got, 200);
    expect((got.body as Buffer).equals(big)).toBe(true);
  });

  it('an oversized or refused upload leaves nothing in the bucket', async () => {
    const { body, type } = multipart(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.png');
    expectStatus(await t.api.post('/api/uploads').set(a.auth).set('Content-Type', type).send(body), 201);
    const before = (await objects()).length;
    const bad = multipart(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]), 'cut.jpg');
    expectError(await t.api.post('/api/uploads').set(a.auth).set('Content-Type', bad.type).send(bad.body), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await objects()).toHaveLength(before);
  });
});
