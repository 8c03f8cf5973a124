// Child-process entry of the server under test for bench/storm.ts and bench/users.ts: the real createServer (as
// server/main.ts builds it), with an IPC channel to read this process's CPU time and event-loop delay and to take a
// CPU profile of a phase (bench/profile.ts), so a benchmark can say where the time went.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/server.js';
import { startProfiling, type ProfileSummary } from './profile.js';
import { serveIpc } from './realtime-common.js';

export type ProfiledCommand = { cmd: 'cpu' } | { cmd: 'loopReset' } | { cmd: 'loop' } | { cmd: 'profileStart' } | { cmd: 'profileStop' };
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}
export interface ProfiledResults {
  cpu: { userMs: number; systemMs: number };
  loopReset: null;
  loop: LoopDelay;
  profileStart: null;
  profileStop: ProfileSummary;
}

async function main(): Promise<void> {
  const server = await createServer(loadConfig(process.env));
  await server.listen();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // BENCH_PROFILE_AT_START=1: from the moment the port is open (a reconnect storm arrives before any IPC could).
  let stopProfile: (() => Promise<ProfileSummary>) | undefined =
    process.env['BENCH_PROFILE_AT_START'] === '1' ? await startProfiling() : undefined;

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());

  serveIpc<ProfiledCommand>(async (c) => {
    switch (c.cmd) {
      case 'cpu': {
        const u = process.cpuUsage();
        return { userMs: u.user / 1000, systemMs: u.system / 1000 };
      }
      case 'loopReset':
        loop.reset();
        return null;
      case 'loop':
        return { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      case 'profileStart':
        stopProfile = await startProfiling();
        return null;
      case 'profileStop': {
        if (!stopProfile) throw new Error('no profile running');
        const summary = await stopProfile();
        stopProfile = undefined;
        return summary;
      }
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
