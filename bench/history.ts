// History depth: one room with BENCH_MESSAGES (default 1,000,000) messages bulk-inserted with knex, then the
// median time of a `before=` page (limit 50) through the real HTTP API at depth 0, 10%, 50% and 99%, beside the
// same page fetched with OFFSET (raw knex) as the baseline, on MariaDB/MySQL (DATABASE_URL, default the local
// 127.0.0.1:3306) and on SQLite (BENCH_DB=sqlite|mysql|both narrows it). Targets: deepest/newest <= 1.5 and median <= 10 ms on MariaDB.
import type { Knex } from 'knex';
import { machine, median, ms, printTable, quantile, startTestServer } from './common.js';

export const description = 'before= page latency at depth 0/10/50/99% of a 1M-message room vs OFFSET (BENCH_MESSAGES, BENCH_DB)';

const N = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
const HTTP_RUNS = Number(process.env['BENCH_RUNS'] ?? 200);
const OFFSET_RUNS = Number(process.env['BENCH_OFFSET_RUNS'] ?? 10);
const LIMIT = 50;
const DEPTHS = [0, 0.1, 0.5, 0.99];

async function bulkInsert(knex: Knex, dialect: 'mysql' | 'sqlite', roomId: number, senderId: number): Promise<void> {
  // knex writes SQLite multi-row inserts as a compound SELECT, which SQLite caps at 500 terms.
  const batch = dialect === 'mysql' ? 5000 : 500;
  const start = Date.now() - N * 1000;
  await knex.transaction(async (trx) => {
    // Checks the bulk load does not need (the rows are known to be unique and to reference live rows);
    // both session variables exist on MySQL 8 and MariaDB.
    if (dialect === 'mysql') await trx.raw('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    // The room's own "created" message holds seq 1: the room holds exactly the N bench messages, seq 1..N.
    await trx('messages').where('room_id', roomId).delete();
    for (let from = 1; from <= N; from += batch) {
      const rows = [];
      for (let seq = from; seq < Math.min(from + batch, N + 1); seq++) {
        rows.push({
          room_id: roomId,
          seq,
          sender_id: senderId,
          client_id: `bench-${seq}`,
          kind: 'text',
          body: `message number ${seq}: the quick brown fox jumps over the lazy dog`,
          attachment: null,
          reply_to_id: null,
          created_at: new Date(start + seq * 1000),
          edited_at: null,
          deleted_at: null,
        });
      }
      await trx('messages').insert(rows);
      if (from % 200_000 < batch)
        process.stdout.write(`  inserted ${Math.min(from + batch - 1, N).toLocaleString('en')} / ${N.toLocaleString('en')}\r`);
    }
    await trx('rooms').where('id', roomId).update({ last_seq: N });
    if (dialect === 'mysql') await trx.raw('SET SESSION unique_checks = 1, foreign_key_checks = 1');
  });
  if (dialect === 'mysql') await knex.raw('ANALYZE TABLE messages');
  else await knex.raw('ANALYZE');
  process.stdout.write('\n');
}

async function timeIt(fn: () => Promise<unknown>, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function benchOne(dialect: 'mysql' | 'sqlite'): Promise<void> {
  const t = await startTestServer(dialect === 'sqlite' ? { DATABASE_URL: '' } : {});
  try {
    const user = await t.register();
    const room = await t.api.post('/api/rooms').set(user.auth).send({ name: 'History bench', visibility: 'private' });
    const roomId = room.body.id as number;
    process.stdout.write(`\n[${dialect}] inserting ${N.toLocaleString('en')} messages ...\n`);
    const t0 = performance.now();
    await bulkInsert(t.server.knex, dialect, roomId, user.id);
    process.stdout.write(`[${dialect}] inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    const headers = { Authorization: `Bearer ${user.accessToken}` };
    const rows: (string | number)[][] = [];
    const medians: number[] = [];
    const offsetMedians: number[] = [];
    const pages = [];
    for (const depth of DEPTHS) {
      const skip = Math.floor(N * depth);
      const before = N - skip + 1;
      const url = `${t.url}/api/rooms/${roomId}/messages?before=${before}&limit=${LIMIT}`;
      const check = (await (await fetch(url, { headers })).json()) as { messages: { seq: number }[] };
      if (check.messages.at(-1)?.seq !== before - 1 || check.messages.length !== Math.min(LIMIT, before - 1)) {
        throw new Error(`unexpected page at depth ${depth}: ${JSON.stringify(check.messages.map((m) => m.seq).slice(-3))}`);
      }
      pages.push({ depth, skip, before, url, http: [] as number[] });
    }
    // The depths take turns, request by request: whatever else the machine does meanwhile (the database still
    // flushing the bulk insert, a neighbour) falls on all of them alike, so the deepest/newest ratio stays fair.
    const get = async (url: string) => {
      const res = await fetch(url, { headers });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) for (const page of pages) await get(page.url); // warm-up, not reported
    for (let i = 0; i < HTTP_RUNS; i++) {
      for (const page of pages) {
        const t0 = performance.now();
        await get(page.url);
        page.http.push(performance.now() - t0);
      }
    }
    for (const { depth, skip, before, http } of pages) {
      const offset = await timeIt(
        () => t.server.knex('messages').where('room_id', roomId).orderBy('seq', 'desc').limit(LIMIT).offset(skip).select('*'),
        OFFSET_RUNS,
        1,
      );
      medians.push(median(http));
      offsetMedians.push(median(offset));
      rows.push([`${depth * 100}%`, before, ms(median(http)), ms(quantile(http, 0.95)), ms(median(offset))]);
    }
    process.stdout.write(
      `\n[${dialect}] ${N.toLocaleString('en')} messages, limit ${LIMIT}, ${HTTP_RUNS} HTTP runs / ${OFFSET_RUNS} OFFSET runs per depth; ${machine()}\n`,
    );
    printTable(['depth', 'before=', 'keyset HTTP median ms', 'keyset HTTP p95 ms', 'OFFSET query median ms'], rows);
    const ratio = medians.at(-1)! / medians[0]!;
    const worst = Math.max(...medians);
    process.stdout.write(
      `ratio deepest/newest: keyset ${ratio.toFixed(2)} (target <= 1.5), OFFSET ${(offsetMedians.at(-1)! / offsetMedians[0]!).toFixed(1)}; ` +
        `worst keyset median ${ms(worst)} ms${dialect === 'mysql' ? ' (target <= 10 ms)' : ''}\n`,
    );
  } finally {
    await t.close();
  }
}

export async function run(): Promise<void> {
  // Both databases by default: MariaDB/MySQL from DATABASE_URL, else the local one (a fresh database each run).
  const saved = process.env['DATABASE_URL'];
  process.env['DATABASE_URL'] ??= 'mysql://root@127.0.0.1:3306/bench_history';
  const choice = process.env['BENCH_DB'] ?? 'both';
  try {
    if (choice === 'mysql' || choice === 'both') await benchOne('mysql');
    if (choice === 'sqlite' || choice === 'both') await benchOne('sqlite');
  } finally {
    if (saved === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved;
  }
}
