// Read receipts: a room of 1,000 connected members (BENCH_RECEIPTS_SIZE) where every member reads every message the
// moment it arrives (room:read per message, as a client showing the room does), so each message makes the whole room
// read at once; one sender posts a message every 2 s. Without coalescing each read would reach every other member
// (members^2 events per message). Printed: the
// server CPU, the reads it handled, and the room:member-read / room:members-read events each client received per
// second (and the member markers they carried). Server, load and this process are separate; MariaDB.
import { machine } from './common.js';
import {
  cpuSeconds,
  createRoom,
  fmt,
  fmtInt,
  freshDatabase,
  quickMode,
  registerUsers,
  serverEnv,
  startLoad,
  startServer,
  stopServer,
  table,
  tempDataDir,
  verdict,
} from './realtime-common.js';

export const description = 'read receipts: 1,000 members all reading every message; server CPU and receipt events per client per second';

function log(msg: string): void {
  process.stderr.write(`[receipts] ${msg}\n`);
}

export async function run(): Promise<void> {
  const quick = quickMode();
  const size = Number(process.env['BENCH_RECEIPTS_SIZE'] ?? (quick ? 200 : 1000));
  const rate = 0.5;
  const durationMs = quick ? 6000 : 12_000;
  console.log(`${machine()}${quick ? ' (quick mode)' : ''}; server, load and this process separate; MariaDB`);
  const db = freshDatabase('bench_receipts');
  const data = tempDataDir();
  const load = startLoad();
  const server = await startServer(serverEnv(db, data.dir, { SOCKET_EVENT_RATE: '1000000', SOCKET_EVENT_BURST: '1000000' }));
  try {
    log(`registering ${size} users`);
    const users = await registerUsers(server.url, size, `rc${size}_`);
    const sender = users[0]!;
    const roomId = await createRoom(sender, users, `receipts ${size}`);
    const members = users.slice(1);
    const c = await load.ipc.request({
      cmd: 'connect',
      group: 'recv-rc',
      url: server.url,
      auths: members.map((u) => ({ token: u.token })),
      reconnect: false,
      concurrency: 50,
    });
    if (c.failed) throw new Error(`${c.failed} sockets failed: ${c.firstError}`);
    await load.ipc.request({
      cmd: 'connect',
      group: 'send-rc',
      url: server.url,
      auths: [{ token: sender.token }],
      reconnect: false,
      concurrency: 1,
    });
    log(`${size} members connected; a message every ${1 / rate} s for ${durationMs / 1000} s, every member reading each one`);
    const cpuBefore = cpuSeconds(server);
    const started = Date.now();
    await load.ipc.request({ cmd: 'receipts', group: 'recv-rc', on: true });
    const fan = await load.ipc.request({
      cmd: 'fanout',
      senders: 'send-rc',
      receivers: 'recv-rc',
      roomId,
      rate,
      durationMs,
      drainMs: 3000,
      tag: 'rc',
    });
    const r = (await load.ipc.request({ cmd: 'receipts', group: 'recv-rc', on: false }))!;
    const elapsed = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(server) - cpuBefore;
    const perClientEvents = r.events / r.sockets / (r.elapsedMs / 1000);
    const perClientMarkers = r.markers / r.sockets / (r.elapsedMs / 1000);
    const readsPerSec = r.reads / (r.elapsedMs / 1000);
    console.log(
      `\nRead receipts: ${fmtInt(size)} members, ${fan.sent} messages ${1 / rate} s apart; every member reads each message on arrival, all at once\n`,
    );
    console.log(
      table(
        [
          'members',
          'reads/s (avg)',
          'server CPU',
          'receipt events / client / s',
          'busiest client',
          'markers / client / s',
          'uncoalesced would be',
          'msg p50 / p99 (ms)',
          'delivered in time',
        ],
        [
          [
            fmtInt(size),
            fmtInt(readsPerSec),
            `${fmt((100 * cpu) / elapsed, 0)}% of a core`,
            fmt(perClientEvents, 2),
            fmt(r.maxEventsPerSocketPerSec, 2),
            fmtInt(perClientMarkers),
            `${fmtInt(readsPerSec)} events / client / s`,
            `${fmt(fan.latency.p50, 0)} / ${fmt(fan.latency.p99, 0)}`,
            `${fmt((100 * fan.delivered) / fan.expected, 1)}%`,
          ],
        ],
      ),
    );
    // One load process plays every client, so it parses every client's copy of each batch (1,000 x 1,000 markers a
    // second): message latency here is mostly that process's queue, not the server's, whose CPU is the figure above.
    const met = r.maxEventsPerSocketPerSec <= 1.5;
    console.log(
      `\nTarget: at most about one receipt event per client per second (room coalescing): ${verdict(met)}\n` +
        '(message latency is measured in the one load process that plays all clients and parses every copy of every batch)',
    );
  } finally {
    await load.stop().catch(() => undefined);
    await stopServer(server).catch(() => undefined);
    await db.drop().catch((err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
    data.remove();
  }
}
