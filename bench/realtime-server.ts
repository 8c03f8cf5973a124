// Child-process entry of the server under test: the real createServer (as server/main.ts builds it), plus a tiny
// IPC channel so the benchmark can read this process's memory after a full GC (run with --expose-gc).
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/server.js';
import { serveIpc, type ServerCommand, type ServerMemory } from './realtime-common.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // BENCH_SEARCH_INDEX=off: sends without the search index, the baseline of what indexing costs (bench/search.ts).
  const server = await createServer(config, { searchIndex: process.env['BENCH_SEARCH_INDEX'] !== 'off' });
  await server.listen();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());

  serveIpc<ServerCommand>(async (c) => {
    switch (c.cmd) {
      case 'memory': {
        for (let i = 0; i < 3; i++) {
          gc?.();
          await new Promise((r) => setTimeout(r, 50));
        }
        const m = process.memoryUsage();
        const out: ServerMemory = {
          rss: m.rss,
          heapUsed: m.heapUsed,
          heapTotal: m.heapTotal,
          external: m.external,
          arrayBuffers: m.arrayBuffers,
        };
        return out;
      }
      case 'stop':
        setImmediate(() => void stop());
        return null;
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
