// Files: 20 concurrent uploads of 20 MiB each against a server in its own process (MiB/s, and the growth of the
// server's resident memory sampled every 20 ms: target < 100 MiB, i.e. uploads are streamed, never held whole);
// image processing rate for 2000x1500 JPEGs (re-encode without metadata + thumbnail); and download throughput with
// 50 concurrent readers of one 20 MiB file. MariaDB (BENCH_DATABASE_URL), local file store in a temp DATA_DIR.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { processImage } from '../server/files/images.js';
import { machine, printTable } from './common.js';
import { freshDatabase, registerUsers, serverEnv, startServer, stopServer, tempDataDir } from './realtime-common.js';

export const description = 'uploads (MiB/s, server RSS growth), image processing (images/s), downloads with 50 readers (MiB/s)';

const MiB = 1024 * 1024;
const UPLOADS = Number(process.env['BENCH_UPLOADS'] ?? 20);
const UPLOAD_MIB = Number(process.env['BENCH_UPLOAD_MIB'] ?? 20);
const READERS = Number(process.env['BENCH_READERS'] ?? 50);
const IMAGES = Number(process.env['BENCH_IMAGES'] ?? 30);

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function upload(url: string, token: string, blob: Blob, name: string): Promise<{ id: number }> {
  const form = new FormData();
  form.append('file', blob, name);
  const res = await fetch(`${url}/api/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`upload: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as { id: number };
}

async function photo(): Promise<Buffer> {
  return sharp({
    create: { width: 2000, height: 1500, channels: 3, background: '#6a8', noise: { type: 'gaussian', mean: 120, sigma: 40 } },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export async function run(): Promise<void> {
  const db = freshDatabase('bench_files');
  const data = tempDataDir();
  const server = await startServer(serverEnv(db, data.dir, { UPLOAD_RATE_LIMIT: '1000000', UPLOAD_MAX_BYTES: String(25 * MiB) }));
  try {
    const [user] = await registerUsers(server.url, 1, 'files');
    const token = user!.token;
    const pid = server.proc.child.pid!;

    // 1. Concurrent uploads, with the server's RSS sampled throughout.
    const bytes = Buffer.alloc(UPLOAD_MIB * MiB);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    const blob = new Blob([bytes]);
    await upload(server.url, token, new Blob([bytes.subarray(0, MiB)]), 'warm.bin');
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
    const t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: UPLOADS }, (_, i) => upload(server.url, token, blob, `big-${i}.bin`)));
    const uploadSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(pid));

    // 2. Image processing: in this process (sharp alone), and end to end through POST /uploads (4 at a time).
    const jpeg = await photo();
    const file = path.join(data.dir, 'photo.jpg');
    await sharp(jpeg).toFile(file);
    let t1 = performance.now();
    for (let i = 0; i < IMAGES; i++)
      await processImage(file, 'image/jpeg', path.join(data.dir, `o${i}.jpg`), path.join(data.dir, `t${i}.webp`));
    const localRate = IMAGES / ((performance.now() - t1) / 1000);
    const jpegBlob = new Blob([new Uint8Array(jpeg)]);
    t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < IMAGES) {
          next++;
          await upload(server.url, token, jpegBlob, 'photo.jpg');
        }
      }),
    );
    const httpRate = IMAGES / ((performance.now() - t1) / 1000);

    // 3. Downloads: READERS concurrent readers of one upload.
    const id = ids[0]!.id;
    const t2 = performance.now();
    const got = await Promise.all(
      Array.from({ length: READERS }, async () => {
        const res = await fetch(`${server.url}/api/files/${id}`, { headers: { Authorization: `Bearer ${token}` } });
        let n = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
        return n;
      }),
    );
    const downloadSeconds = (performance.now() - t2) / 1000;
    if (got.some((n) => n !== UPLOAD_MIB * MiB)) throw new Error('a download came back short');

    process.stdout.write(`\nfiles: local store, MariaDB; ${machine()}\n`);
    printTable(
      ['measure', 'figure', 'detail'],
      [
        [
          'uploads',
          `${((UPLOADS * UPLOAD_MIB) / uploadSeconds).toFixed(1)} MiB/s`,
          `${UPLOADS} concurrent x ${UPLOAD_MIB} MiB in ${uploadSeconds.toFixed(2)} s`,
        ],
        [
          'server RSS growth',
          `${((peak - baseline) / MiB).toFixed(1)} MiB`,
          `peak over baseline ${(baseline / MiB).toFixed(0)} MiB (target < 100 MiB)`,
        ],
        [
          'images (sharp alone)',
          `${localRate.toFixed(1)} images/s`,
          `2000x1500 JPEG: clean re-encode + 480px WebP thumbnail, ${IMAGES} in a row`,
        ],
        ['images (POST /uploads)', `${httpRate.toFixed(1)} images/s`, `${IMAGES} uploads, 4 at a time, end to end`],
        [
          'downloads',
          `${((READERS * UPLOAD_MIB) / downloadSeconds).toFixed(1)} MiB/s`,
          `${READERS} concurrent readers of one ${UPLOAD_MIB} MiB file`,
        ],
      ],
    );
  } finally {
    await stopServer(server);
    await db.drop();
    data.remove();
  }
}
