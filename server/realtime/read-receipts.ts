// Read receipts to other members, coalesced. A member's marker moves on every message they see; publishing each
// move would send a 1,000-member room 1,000 x 1,000 events a second when everyone reads at once. So markers are
// gathered per room and sent at most once a second per room (so at most once a second per member per room): a lone
// reader as `room:member-read`, several in one window as one `room:members-read` whose socket.io packet is encoded
// once for the whole room. The first move in a quiet room goes out after a short gathering delay, so "Seen" in a
// direct room stays prompt.
export interface MemberReadSink {
  one(roomId: number, userId: number, lastReadSeq: number): void;
  many(roomId: number, reads: { userId: number; lastReadSeq: number }[]): void;
}

export interface ReadReceiptsOptions {
  /** Minimum time between two sends for one room. */
  intervalMs?: number;
  /** How long the first move in a quiet room waits for others to join it. */
  gatherMs?: number;
}

interface RoomState {
  pending: Map<number, number>;
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
}

export class ReadReceipts {
  private readonly rooms = new Map<number, RoomState>();
  private readonly intervalMs: number;
  private readonly gatherMs: number;

  constructor(
    private readonly sink: MemberReadSink,
    options: ReadReceiptsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.gatherMs = options.gatherMs ?? 50;
  }

  moved(roomId: number, userId: number, lastReadSeq: number): void {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = { pending: new Map(), lastSentAt: 0, timer: undefined }));
    room.pending.set(userId, Math.max(lastReadSeq, room.pending.get(userId) ?? 0));
    if (room.timer) return;
    const wait = Math.max(this.gatherMs, room.lastSentAt + this.intervalMs - Date.now());
    room.timer = setTimeout(() => this.flush(roomId), wait);
    room.timer.unref();
  }

  private flush(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.timer = undefined;
    const reads = [...room.pending].map(([userId, lastReadSeq]) => ({ userId, lastReadSeq }));
    room.pending.clear();
    room.lastSentAt = Date.now();
    if (reads.length === 1) this.sink.one(roomId, reads[0]!.userId, reads[0]!.lastReadSeq);
    else if (reads.length > 1) this.sink.many(roomId, reads);
    // A quiet room is forgotten once its window has passed, so the map holds only rooms being read.
    const idle = setTimeout(() => {
      const now = this.rooms.get(roomId);
      if (now && !now.timer && now.pending.size === 0) this.rooms.delete(roomId);
    }, this.intervalMs);
    idle.unref();
  }

  close(): void {
    for (const room of this.rooms.values()) clearTimeout(room.timer);
    this.rooms.clear();
  }
}
