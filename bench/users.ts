// `npm run bench -- users`: how many active users one node serves. Simulated people (bench/users-load.ts, real
// clients in one load process) at Mattermost's published activity mix, stepped up (BENCH_USERS_STEPS, default
// 500,1000,1500,2000,2500; BENCH_USERS_SECONDS of activity per step, default 60) on MariaDB, until a step misses: p99
// send-to-delivery <= 100 ms, p99 history request <= 200 ms, nothing lost (every member's client holds every persisted
// message of its rooms, no send left unacked, nobody signed out). Each step is profiled inside the server: CPU, event
// loop delay and where the busy time went, which says what saturates first.
//
// The mix: mattermost-load-test-ng's simulative controller (loadtest/control/simulcontroller/controller.go) with its
// default idle time (uniform 1-39 s, mean 20 s, between actions). Its actions mapped onto this protocol, by weight:
// switchChannel 4 + switchTeam 3 + openDirectOrGroupChannel 2 + viewGlobalThreads 5.4 + viewThread 4.8 -> open a room
// (newest page of 50 + read marker) 19.2; scrollChannel -> older page 2; unreadCheck -> room list 1.5; createPost ->
// typing then send 1.5 (one in 10 with a 20 KB file); updateThreadRead -> read marker 1.17; addReaction 0.5;
// fullReload -> reconnect + room list 0.2; logoutLogin -> log in again + reconnect 0.1; searchPosts 0.1; searchUsers
// 0.1; editPost 0.1; deletePost 0.06. Not mapped (no such feature, or a rare admin action): teams, threads follow,
// custom status, sidebar categories, channel creation, post reminders, insights (together under 4% of the weight).
// Rooms: each user is in 3 rooms of 20, each room seeded with 20 messages.
import { machine } from './common.js';
import {
  IpcClient,
  createRoom,
  fmt,
  fmtInt,
  freshDatabase,
  mapPool,
  quickMode,
  registerUsers,
  serverEnv,
  spawnNode,
  table,
  tempDataDir,
  verdict,
  type BenchUser,
} from './realtime-common.js';
import { cpuMs, load, printProfile, startProfiled, stopProfiled } from './storm.js';
import type { SimUser, UsersCommand, UsersResult } from './users-load.js';
import type { ProfileSummary } from './profile.js';
import type { LoopDelay } from './profiled-server.js';

export const description =
  "users per node: simulated people at Mattermost's activity mix, stepped up until p99 delivery/history or losses miss";

const ROOM_SIZE = 20;
const ROOMS_PER_USER = 3;
const SEED_MESSAGES = 20;

function log(msg: string): void {
  process.stderr.write(`[users] ${msg}\n`);
}

interface Step {
  n: number;
  r: UsersResult;
  cpuShare: number;
  loop: LoopDelay;
  profile: ProfileSummary;
  loadAvg: string;
  ok: boolean;
}

export async function run(): Promise<void> {
  const quick = quickMode();
  const steps = (process.env['BENCH_USERS_STEPS'] ?? (quick ? '50,100' : '500,1000,1500,2000,2500')).split(',').map(Number);
  const seconds = Number(process.env['BENCH_USERS_SECONDS'] ?? (quick ? 20 : 60));
  console.log(`${machine()}; load average ${load()} (machine shared); server and simulated users in separate processes; MariaDB`);
  const db = freshDatabase('bench_users');
  const data = tempDataDir();
  const env = serverEnv(db, data.dir, { UPLOAD_RATE_LIMIT: '1000000' });
  const server = await startProfiled(env);
  const sim = spawnNode('bench/users-load.ts', {}, ['--max-old-space-size=4096']);
  const ipc = new IpcClient<UsersCommand, { connect: { connectMs: number }; run: UsersResult; close: null }>(sim, 'users');
  const results: Step[] = [];
  try {
    const max = Math.max(...steps);
    log(`registering ${fmtInt(max)} users`);
    const all = await registerUsers(server.url, max, 'p_', 32);
    for (const [i, n] of steps.entries()) {
      const users = all.slice(0, n);
      log(`step ${i + 1}/${steps.length}: ${n} users, rooms of ${ROOM_SIZE}, ${ROOMS_PER_USER} rooms each`);
      const rooms = new Map<number, number[]>();
      const groups: BenchUser[][] = [];
      for (let layer = 0; layer < ROOMS_PER_USER; layer++) {
        const order = users.map((_, k) => users[(k * (layer * 2 + 1) + layer * 7) % n]!);
        for (let g = 0; g * ROOM_SIZE < n; g++) groups.push([...new Set(order.slice(g * ROOM_SIZE, (g + 1) * ROOM_SIZE))]);
      }
      const roomIds = await mapPool(groups, 4, (g, k) => createRoom(g[0]!, g, `users ${n} ${k}`));
      groups.forEach((g, k) => {
        for (const u of g) rooms.set(u.id, [...(rooms.get(u.id) ?? []), roomIds[k]!]);
      });
      await mapPool(
        roomIds.flatMap((id, k) =>
          Array.from({ length: SEED_MESSAGES }, (_, s) => ({ id, sender: groups[k]![s % groups[k]!.length]!, s })),
        ),
        32,
        ({ id, sender, s }) => sender.api.send(id, { clientId: `seed-${n}-${id}-${s}`, body: `earlier message ${s}` }),
      );
      const simUsers: SimUser[] = users.map((u) => ({
        id: u.id,
        username: u.username,
        password: 'bench password 123',
        token: u.token,
        rooms: rooms.get(u.id) ?? [],
      }));
      // Everyone signs in first; the server's CPU, loop delay and profile cover the activity only.
      await ipc.request({
        cmd: 'connect',
        url: server.url,
        users: simUsers,
        durationMs: seconds * 1000,
        idleMinMs: 1000,
        idleAvgMs: 20_000,
        fileEvery: 10,
        tag: `s${n}`,
      });
      await server.ipc.request({ cmd: 'loopReset' });
      await server.ipc.request({ cmd: 'profileStart' });
      const cpu0 = await cpuMs(server);
      const t0 = Date.now();
      const r = await ipc.request({ cmd: 'run' });
      const cpuShare = ((await cpuMs(server)) - cpu0) / (Date.now() - t0);
      const loop = await server.ipc.request({ cmd: 'loop' });
      const profile = await server.ipc.request({ cmd: 'profileStop' });
      await ipc.request({ cmd: 'close' });
      // The next step's users start in their own 3 rooms only (its first users are this step's too).
      await mapPool(roomIds, 8, (id, k) => groups[k]![0]!.api.deleteRoom(id));
      const ok = r.delivery.p99 <= 100 && r.history.p99 <= 200 && r.lost === 0 && r.unacked === 0 && r.signedOut === 0;
      results.push({ n, r, cpuShare, loop, profile, loadAvg: load(), ok });
      log(
        `${n} users: delivery p99 ${fmt(r.delivery.p99, 1)} ms, history p99 ${fmt(r.history.p99, 1)} ms, lost ${r.lost}, unacked ${r.unacked} -> ${ok ? 'ok' : 'missed'}`,
      );
      if (r.firstError) log(`first error: ${r.firstError}`);
      // On a shared machine a step can miss by waiting for a CPU; keep stepping unless it is far past the line.
      if (r.lost > 0 || r.delivery.p99 > 2000 || r.history.p99 > 4000) break;
    }
  } finally {
    sim.child.disconnect();
    await sim.kill('SIGKILL');
    await stopProfiled(server).catch(() => undefined);
    await db.drop().catch((err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
    data.remove();
  }

  console.log(`\nUsers per node: Mattermost's activity mix (idle 1-39 s between actions), ${seconds} s per step, MariaDB`);
  console.log(
    table(
      [
        'users',
        'actions',
        'sends',
        'delivery p50/p99 ms',
        'history p50/p99 ms',
        'lost',
        'server CPU',
        'loop p99 ms',
        'load process CPU',
        'load avg',
        'verdict',
      ],
      results.map((s) => [
        fmtInt(s.n),
        fmtInt(Object.values(s.r.actions).reduce((a, b) => a + b, 0)),
        fmtInt(s.r.sent),
        `${fmt(s.r.delivery.p50, 1)} / ${fmt(s.r.delivery.p99, 1)}`,
        `${fmt(s.r.history.p50, 1)} / ${fmt(s.r.history.p99, 1)}`,
        `${s.r.lost}/${fmtInt(s.r.expectedDeliveries)}${s.r.unacked ? ` +${s.r.unacked} unacked` : ''}`,
        `${fmt(s.cpuShare * 100, 0)}%`,
        fmt(s.loop.p99, 1),
        `${fmt(s.r.loadCpu * 100, 0)}%`,
        s.loadAvg.split(' ')[0]!,
        s.ok ? 'ok' : 'missed',
      ]),
    ),
  );
  const best = [...results].reverse().find((s) => s.ok);
  const last = results[results.length - 1];
  if (last) printProfile(`Server profile at ${fmtInt(last.n)} users`, last.profile);
  console.log(
    `\nLargest step served within p99 delivery <= 100 ms, p99 history <= 200 ms, nothing lost: ${best ? fmtInt(best.n) + ' users' : 'none'}${
      best === last ? ' (the highest step tried; more may fit)' : ''
    } -> ${verdict(best !== undefined)}`,
  );
}
