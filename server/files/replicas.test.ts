// Two server processes with no object store: one MariaDB, one Redis, and ONE shared local folder (the same DATA_DIR,
// as the compose `scale` profile mounts one volume into both replicas). An upload through one replica is served by
// the other, and the message that carries it reaches a client of the other replica.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/api.js';
import type { AuthResult, Upload } from '../../protocol/types.js';
import { pdf, png } from '../test/files.js';
import { baseMysqlUrl, testEnv, uniqueName } from '../test/harness.js';
import { spawnServer, type ServerProcess } from '../test/processes.js';
import { connectReady, onceWhere, type ClientSocket } from '../test/sockets.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe.skipIf(!baseMysqlUrl)('two replicas sharing one files folder (MariaDB + Redis)', () => {
  let nodes: ServerProcess[] = [];
  let dataDir = '';
  let cleanup: () => Promise<void>;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const t = testEnv({ REDIS_URL, REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'warn' });
    cleanup = t.cleanup;
    dataDir = t.env['DATA_DIR']!;
    // Two tsx start-ups at once on a loaded machine (CI runs test files side by side) may take a while.
    nodes = await Promise.all([spawnServer(t.env, undefined, 90_000), spawnServer(t.env, undefined, 90_000)]);
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await cleanup?.();
  });

  async function register(node: ServerProcess): Promise<AuthResult & { api: ApiClient }> {
    const name = uniqueName('r');
    const auth = await new ApiClient({ serverUrl: node.url }).register({
      username: name,
      email: `${name}@example.test`,
      password: 'correct horse battery',
    });
    return { ...auth, api: new ApiClient({ serverUrl: node.url, getAccessToken: () => Promise.resolve(auth.accessToken) }) };
  }

  async function upload(node: ServerProcess, token: string, name: string, bytes: Buffer): Promise<Upload> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    const res = await fetch(`${node.url}/api/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(201);
    return (await res.json()) as Upload;
  }

  const download = (node: ServerProcess, token: string, p: string, headers: Record<string, string> = {}) =>
    fetch(`${node.url}/api${p}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });

  it('an upload through replica A is sent, delivered to a client of B and downloaded through B', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const alice = await register(a);
    const bob = await register(b);
    const room = await alice.api.createRoom({ name: 'shared folder', visibility: 'private', memberIds: [bob.user.id] });
    const sa = (await connectReady(a.url, alice.accessToken)).socket;
    const sb = (await connectReady(b.url, bob.accessToken)).socket;
    sockets.push(sa, sb);

    const shot = await png(320, 200);
    const image = await upload(a, alice.accessToken, 'screenshot.png', shot);
    const doc = await upload(a, alice.accessToken, 'report.pdf', pdf());
    expect(image).toMatchObject({ mimeType: 'image/png', width: 320, height: 200 });
    expect(doc).toMatchObject({ mimeType: 'application/pdf', size: pdf().length });

    // Both files are in the one folder both replicas were given, not in anything private to replica A.
    const stored = await readdir(path.join(dataDir, 'files'), { recursive: true });
    expect(stored.length).toBeGreaterThanOrEqual(2);

    const imageOnB = onceWhere(sb, 'message:new', (m) => m.attachment?.id === image.id, 15_000);
    const ack1 = await sa.emitWithAck('message:send', {
      roomId: room.id,
      clientId: 'img-1',
      kind: 'image',
      attachmentId: image.id,
      body: '',
    });
    expect(ack1.ok).toBe(true);
    expect((await imageOnB).attachment).toMatchObject({ id: image.id, name: 'screenshot.png', width: 320, height: 200 });
    const docOnB = onceWhere(sb, 'message:new', (m) => m.attachment?.id === doc.id, 15_000);
    await sa.emitWithAck('message:send', { roomId: room.id, clientId: 'pdf-1', kind: 'file', attachmentId: doc.id, body: 'the report' });
    expect((await docOnB).body).toBe('the report');

    // Replica B serves both from the shared folder: the PDF whole, as an attachment, and by range; the image's thumbnail.
    const whole = await download(b, bob.accessToken, `/files/${doc.id}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await whole.arrayBuffer()).equals(pdf())).toBe(true);
    const part = await download(b, bob.accessToken, `/files/${doc.id}`, { Range: 'bytes=0-7' });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('%PDF-1.4');
    const img = await download(b, bob.accessToken, `/files/${image.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const thumb = await download(b, bob.accessToken, `/files/${image.id}/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    // A recall through B removes the file for A too (the bytes are gone from the shared folder).
    const docId = (await docOnB).id;
    const recalledOnA = onceWhere(sa, 'message:updated', (m) => m.id === docId && m.deletedAt !== null, 15_000);
    await new ApiClient({ serverUrl: b.url, getAccessToken: () => Promise.resolve(alice.accessToken) }).recall(docId);
    await recalledOnA;
    expect((await download(a, alice.accessToken, `/files/${doc.id}`)).status).toBe(404);
  }, 60_000);
});
