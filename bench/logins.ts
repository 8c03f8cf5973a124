// Logins under load: BENCH_LOGINS (default 50) concurrent logins through the real HTTP API at BCRYPT_ROUNDS=12,
// with the server in this process so its event loop can be watched: logins/s and the p99 event-loop delay
// (perf_hooks.monitorEventLoopDelay) during the run. Target: p99 <= 20 ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { machine, median, ms, printTable, quantile, startTestServer } from './common.js';

export const description = 'concurrent logins at BCRYPT_ROUNDS=12: logins/s and p99 event-loop delay (BENCH_LOGINS, BENCH_ROUNDS)';

const CONCURRENT = Number(process.env['BENCH_LOGINS'] ?? 50);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const COST = Number(process.env['BENCH_BCRYPT_ROUNDS'] ?? 12);

export async function run(): Promise<void> {
  const t = await startTestServer({ BCRYPT_ROUNDS: String(COST), LOGIN_RATE_LIMIT: '1000000' });
  try {
    // The accounts are written directly, with one hash made at the benchmark's cost, so set-up takes seconds.
    const password = 'benchmark password';
    const hash = await bcrypt.hash(password, COST);
    const now = new Date();
    const names = Array.from({ length: CONCURRENT }, (_, i) => `bench_${process.pid}_${i}`);
    await t.server.knex('users').insert(
      names.map((username) => ({
        username,
        email: `${username}@bench.test`,
        password_hash: hash,
        display_name: username,
        status: 'active',
        created_at: now,
        updated_at: now,
      })),
    );
    const login = async (username: string) => {
      const t0 = performance.now();
      const res = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ login: username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - t0;
    };
    await login(names[0]!); // warm up

    const rows: (string | number)[][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const t0 = performance.now();
      const latencies = await Promise.all(names.map(login));
      const seconds = (performance.now() - t0) / 1000;
      loop.disable();
      rows.push([
        round,
        CONCURRENT,
        (CONCURRENT / seconds).toFixed(1),
        ms(median(latencies)),
        ms(quantile(latencies, 0.99)),
        ms(loop.percentile(50) / 1e6),
        ms(loop.percentile(99) / 1e6),
        ms(loop.max / 1e6),
      ]);
    }
    process.stdout.write(
      `\n${CONCURRENT} concurrent logins x ${ROUNDS} rounds at BCRYPT_ROUNDS=${COST}, UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)'}; ${machine()}\n`,
    );
    printTable(
      [
        'round',
        'logins',
        'logins/s',
        'latency p50 ms',
        'latency p99 ms',
        'loop delay p50 ms',
        'loop delay p99 ms (target <= 20)',
        'loop delay max ms',
      ],
      rows,
    );
  } finally {
    await t.close();
  }
}
