// The "came online" coalescing of presence-announcer.ts, on its own and on fake timers: the first announcement after
// a quiet spell goes out at once, the ones after it in the same 250 ms window go out together when it closes; while
// each window holds 50 or more the next one is twice as long, up to 4 s; a quiet (or light) window brings back 250 ms;
// and whatever the windows, every announcement reaches each of its rooms exactly once. The real OnlineAnnouncer talks
// to a stand-in for the Socket.IO server that only records io.to(rooms).emit(...) with the (fake) time of sending.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IoServer } from './gateway.js';
import { OnlineAnnouncer, type OnlinePresence } from './presence-announcer.js';

interface Emitted {
  at: number;
  room: string;
  event: 'presence' | 'presence:many';
  userIds: number[];
}

/** io.to(rooms).emit(event, payload), one record per room it was sent to. */
function recordingIo(log: Emitted[]): IoServer {
  const to = (rooms: string | string[]) => ({
    emit(event: Emitted['event'], payload: OnlinePresence | { users: OnlinePresence[] }): boolean {
      const userIds = 'users' in payload ? payload.users.map((u) => u.userId) : [payload.userId];
      for (const room of [rooms].flat()) log.push({ at: Date.now(), room, event, userIds });
      return true;
    },
  });
  return { to } as unknown as IoServer;
}

const ROOM = 'room:1';
const presence = (userId: number): OnlinePresence => ({ userId, online: true, lastSeenAt: null });

let sent: Emitted[];
let announcer: OnlineAnnouncer;
/** When each user was announced, to check how long it was held. */
let announcedAt: Map<number, number>;

function announce(userId: number, rooms = [`user:${userId}`, ROOM]): void {
  announcedAt.set(userId, Date.now());
  announcer.announce(presence(userId), rooms);
}

/** The batches the room received after the immediate first announcement: when, and how many users in each. */
function flushesTo(room: string, after = 0): { at: number; size: number }[] {
  return sent.filter((e) => e.room === room && e.at > after).map((e) => ({ at: e.at, size: e.userIds.length }));
}

/** For each room, how often each user reached it, over everything sent. */
function deliveries(): Map<string, Map<number, number>> {
  const rooms = new Map<string, Map<number, number>>();
  for (const e of sent) {
    let counts = rooms.get(e.room);
    if (!counts) rooms.set(e.room, (counts = new Map()));
    for (const id of e.userIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return rooms;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  sent = [];
  announcedAt = new Map();
  // Everyone held is still online when the window closes (the announcer asks before it sends).
  announcer = new OnlineAnnouncer(recordingIo(sent), async (ids) => new Set(ids));
});
afterEach(() => {
  announcer.close();
  vi.useRealTimers();
});

describe('OnlineAnnouncer', () => {
  it('sends the first at once and the handful after it together, as one presence:many, when the 250 ms window closes', async () => {
    announce(1);
    expect(sent).toEqual([
      { at: 0, room: 'user:1', event: 'presence', userIds: [1] },
      { at: 0, room: ROOM, event: 'presence', userIds: [1] },
    ]);
    for (const id of [2, 3, 4, 5]) {
      await vi.advanceTimersByTimeAsync(40);
      announce(id);
    }
    await vi.advanceTimersByTimeAsync(249 - Date.now());
    expect(sent).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(1);
    expect(sent.filter((e) => e.room === ROOM)).toEqual([
      { at: 0, room: ROOM, event: 'presence', userIds: [1] },
      { at: 250, room: ROOM, event: 'presence:many', userIds: [2, 3, 4, 5] },
    ]);
    // Each one's own room had a single presence, in the same flush.
    for (const id of [2, 3, 4, 5])
      expect(sent.filter((e) => e.room === `user:${id}`)).toEqual([{ at: 250, room: `user:${id}`, event: 'presence', userIds: [id] }]);

    // The next window was empty: nothing more is sent.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.filter((e) => e.room === ROOM)).toHaveLength(2);
  });

  it('doubles the window while each holds 50 or more, up to 4 s and no further', async () => {
    // A storm: three users come online every 10 ms for 16 s, about 75 in a 250 ms window.
    let next = 1;
    const tick = () => {
      for (let i = 0; i < 3; i++) announce(next++);
    };
    tick();
    const storm = setInterval(tick, 10);
    await vi.advanceTimersByTimeAsync(16_000);
    clearInterval(storm);
    await vi.advanceTimersByTimeAsync(20_000);

    const flushes = flushesTo(ROOM);
    for (const f of flushes) expect(f.size).toBeGreaterThanOrEqual(50);
    const windows = flushes.map((f, i) => f.at - (i === 0 ? 0 : flushes[i - 1]!.at));
    // 250, 500, 1 s, 2 s, then 4 s for as long as the storm lasts (its last window, after 16 s, held 75 as well).
    expect(windows).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000]);

    // Everyone reached the room and their own room once, none later than the 4 s window they arrived in.
    const got = deliveries();
    const room = got.get(ROOM)!;
    expect(room.size).toBe(next - 1);
    expect([...room.values()].filter((n) => n !== 1)).toEqual([]);
    for (let id = 1; id < next; id++) expect(got.get(`user:${id}`)).toEqual(new Map([[id, 1]]));
    expect(Math.max(...sent.flatMap((e) => e.userIds.map((id) => e.at - announcedAt.get(id)!)))).toBeLessThanOrEqual(4000);
  });

  it('counts a window of exactly 50 as a storm, and one of 49 not', async () => {
    let next = 1;
    announce(next++); // at once; its window closes at 250 ms
    for (let i = 0; i < 50; i++) announce(next++);
    await vi.advanceTimersByTimeAsync(250);
    for (let i = 0; i < 49; i++) announce(next++);
    await vi.advanceTimersByTimeAsync(500);
    announce(next);
    await vi.advanceTimersByTimeAsync(250);
    // 50 held: the next window is 500 ms; 49 held: the next is 250 ms.
    expect(flushesTo(ROOM)).toEqual([
      { at: 250, size: 50 },
      { at: 750, size: 49 },
      { at: 1000, size: 1 },
    ]);
  });

  it('is back to 250 ms after a quiet window, and after a light one', async () => {
    // A storm long enough to widen the window to 1 s: windows closing at 250 and 750 ms held 50 or more.
    let next = 1;
    const tick = () => {
      for (let i = 0; i < 3; i++) announce(next++);
    };
    tick();
    const storm = setInterval(tick, 10);
    await vi.advanceTimersByTimeAsync(750);
    clearInterval(storm);
    expect(flushesTo(ROOM, 0).map((f) => f.at)).toEqual([250, 750]);

    // A light window (ten, fewer than 50) inside the 1 s one: the window after it is 250 ms again.
    for (let i = 0; i < 10; i++) announce(next++);
    await vi.advanceTimersByTimeAsync(1000);
    expect(flushesTo(ROOM, 750)).toEqual([{ at: 1750, size: 10 }]);
    announce(next++);
    announce(next++);
    await vi.advanceTimersByTimeAsync(250);
    expect(flushesTo(ROOM, 1750)).toEqual([{ at: 2000, size: 2 }]);

    // The same after the widest window and a quiet one: storm to 4 s, then nothing for a while.
    const storm2 = setInterval(tick, 10);
    await vi.advanceTimersByTimeAsync(20_000);
    clearInterval(storm2);
    const widest = flushesTo(ROOM, 2000);
    expect(widest.at(-1)!.at - widest.at(-2)!.at).toBe(4000);
    await vi.advanceTimersByTimeAsync(10_000);
    const quietFrom = Date.now();

    // After the quiet spell the first goes at once and the window after it is 250 ms (not 4 s), and a new storm
    // widens it from there again: 250, 500, 1000 ms (not straight back to 4 s).
    const first = next++;
    announce(first);
    expect(sent.filter((e) => e.at === quietFrom && e.room === ROOM)).toEqual([
      { at: quietFrom, room: ROOM, event: 'presence', userIds: [first] },
    ]);
    tick();
    const storm3 = setInterval(tick, 10);
    await vi.advanceTimersByTimeAsync(1750);
    clearInterval(storm3);
    expect(flushesTo(ROOM, quietFrom).map((f) => f.at - quietFrom)).toEqual([250, 750, 1750]);
  });

  it('loses nothing and sends nothing twice across storms, light windows and quiet spells', async () => {
    // Three rooms; each user is in one or two of them, and in their own.
    const roomsOf = (id: number) => [`user:${id}`, `room:${id % 3}`, ...(id % 4 === 0 ? ['room:extra'] : [])];
    let next = 1;
    const phase = async (everyMs: number, perTick: number, forMs: number) => {
      const timer = setInterval(() => {
        for (let i = 0; i < perTick; i++) {
          const id = next++;
          announce(id, roomsOf(id));
        }
      }, everyMs);
      await vi.advanceTimersByTimeAsync(forMs);
      clearInterval(timer);
    };
    await phase(5, 2, 3000); // a storm: about 100 a window
    await phase(100, 1, 1200); // light
    await vi.advanceTimersByTimeAsync(6000); // quiet
    await phase(7, 3, 9000); // a longer storm, widening to 4 s
    await phase(300, 1, 2000); // a trickle: windows of one or none
    await phase(3, 1, 1000); // a short storm
    await vi.advanceTimersByTimeAsync(10_000);

    const ids = [...announcedAt.keys()];
    expect(ids.length).toBeGreaterThan(5000);
    const got = deliveries();
    expect(got.size).toBe(4 + ids.length);
    for (const room of ['room:0', 'room:1', 'room:2', 'room:extra']) {
      const expected = ids.filter((id) => roomsOf(id).includes(room)).sort((a, b) => a - b);
      const counts = got.get(room)!;
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(expected);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    }
    for (const id of ids) expect(got.get(`user:${id}`)).toEqual(new Map([[id, 1]]));
    expect(Math.max(...sent.flatMap((e) => e.userIds.map((id) => e.at - announcedAt.get(id)!)))).toBeLessThanOrEqual(4000);
  });

  it('does not announce someone who went offline while the "still online" check was under way', async () => {
    // The check answers when the test says, with what was true when it was asked: 2 and 3 were online then.
    let answer!: (ids: Set<number>) => void;
    announcer.close();
    announcer = new OnlineAnnouncer(recordingIo(sent), () => new Promise((resolve) => (answer = resolve)));
    announce(1);
    announce(2);
    announce(3);
    await vi.advanceTimersByTimeAsync(250); // the window closes: the check for 2 and 3 is asked
    announcer.cancel(2); // 2 goes offline (its offline presence is sent by the gateway right after)
    answer(new Set([2, 3]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.filter((e) => e.room === ROOM).map((e) => e.userIds)).toEqual([[1], [3]]);
  });
});
