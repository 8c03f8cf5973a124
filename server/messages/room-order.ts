// Broadcasts new messages of a room in seq order. A database acknowledges commits in an order that can differ
// from seq order (MySQL releases the row lock before the durable commit is acknowledged), so each seq this node
// allocates is held here until every lower seq this node allocated is committed (or abandoned). Seqs allocated
// by other nodes are not waited for: clients fill any gap with `after=`.
import type { Message } from '../../protocol/types.js';

export class RoomOrder {
  private readonly rooms = new Map<number, Map<number, Message | null>>();

  constructor(private readonly publish: (message: Message) => void) {}

  allocate(roomId: number, seq: number): void {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    room.set(seq, null);
  }

  complete(message: Message): void {
    this.rooms.get(message.roomId)?.set(message.seq, message);
    this.flush(message.roomId);
  }

  abandon(roomId: number, seq: number): void {
    this.rooms.get(roomId)?.delete(seq);
    this.flush(roomId);
  }

  private flush(roomId: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    for (const seq of [...room.keys()].sort((a, b) => a - b)) {
      const message = room.get(seq);
      if (!message) break;
      room.delete(seq);
      this.publish(message);
    }
    if (room.size === 0) this.rooms.delete(roomId);
  }
}
