// Writes new messages, one room at a time, with group commit: while a room's transaction runs, new sends to that
// room queue up, and the next transaction writes them all (one seq reservation, one multi-row INSERT, one commit).
// A lone message takes the four-statement path; a burst shares one commit instead of queueing on the room's row
// lock one commit (and one log flush) at a time. Seqs stay gap-free: they are reserved only for rows that are
// written, inside the transaction that writes them.
import type { Knex } from 'knex';
import { isUniqueViolation } from '../errors.js';
import { retryOnConflict } from '../db/transaction.js';
import type { MessageRow, MessagesRepository, NewMessage } from './messages.repository.js';
import type { RoomOrder } from './room-order.js';

export type WriteOutcome = { kind: 'inserted'; row: MessageRow } | { kind: 'not-member' } | { kind: 'duplicate' };

interface Pending {
  input: NewMessage;
  resolve(outcome: WriteOutcome): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 100;
const key = (m: NewMessage) => `${m.senderId}\u0000${m.clientId}`;

export class RoomWriter {
  private readonly queues = new Map<number, Pending[]>();

  constructor(
    private readonly knex: Knex,
    private readonly repo: MessagesRepository,
    private readonly order: RoomOrder,
  ) {}

  write(input: NewMessage): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(input.roomId);
      if (queue) return void queue.push({ input, resolve, reject });
      this.queues.set(input.roomId, [{ input, resolve, reject }]);
      void this.drain(input.roomId);
    });
  }

  /** Runs the room's transactions one after another until its queue is empty. */
  private async drain(roomId: number): Promise<void> {
    for (;;) {
      const queue = this.queues.get(roomId)!;
      if (queue.length === 0) {
        this.queues.delete(roomId);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      if (batch.length === 1) await this.settle(batch[0]!, () => this.single(batch[0]!.input));
      else await this.group(roomId, batch);
    }
  }

  private async settle(p: Pending, run: () => Promise<WriteOutcome>): Promise<void> {
    try {
      p.resolve(await run());
    } catch (err) {
      p.reject(err);
    }
  }

  /** Four statements: BEGIN, UPDATE rooms (seq, only for a member of the live room), INSERT, COMMIT. */
  private async single(input: NewMessage): Promise<WriteOutcome> {
    try {
      return await retryOnConflict(() =>
        this.reserving(input.roomId, async (trx, allocate) => {
          const seq = await this.repo.reserveSeqs(input.roomId, 1, trx, input.senderId);
          if (seq === undefined) return { kind: 'not-member' };
          allocate(seq);
          const [row] = await this.repo.insertRun([input], seq, trx);
          return { kind: 'inserted', row: row! };
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) return { kind: 'duplicate' };
      throw err;
    }
  }

  /** One transaction for a burst. A clientId race with another node falls back to one transaction per message. */
  private async group(roomId: number, batch: Pending[]): Promise<void> {
    let outcomes: WriteOutcome[];
    try {
      outcomes = await retryOnConflict(() =>
        this.reserving(roomId, async (trx, allocate) => {
          const inputs = batch.map((p) => p.input);
          const senders = [...new Set(inputs.map((m) => m.senderId))];
          const members = await this.repo.membersAmong(roomId, senders, trx);
          const taken = await this.repo.takenClientIds(inputs, trx);
          const result: WriteOutcome[] = [];
          const writable: NewMessage[] = [];
          const seen = new Set<string>();
          for (const m of inputs) {
            if (!members.has(m.senderId)) result.push({ kind: 'not-member' });
            else if (taken.has(key(m)) || seen.has(key(m))) result.push({ kind: 'duplicate' });
            else {
              seen.add(key(m));
              writable.push(m);
              result.push({ kind: 'inserted', row: undefined as unknown as MessageRow });
            }
          }
          if (writable.length === 0) return result;
          const last = await this.repo.reserveSeqs(roomId, writable.length, trx);
          if (last === undefined) return inputs.map((): WriteOutcome => ({ kind: 'not-member' }));
          const first = last - writable.length + 1;
          writable.forEach((_, i) => allocate(first + i));
          const rows = await this.repo.insertRun(writable, first, trx);
          let next = 0;
          return result.map((o) => (o.kind === 'inserted' ? { kind: 'inserted', row: rows[next++]! } : o));
        }),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await this.settle(p, () => this.single(p.input));
      return;
    }
    batch.forEach((p, i) => p.resolve(outcomes[i]!));
  }

  /** A transaction whose allocated seqs are handed back to RoomOrder if it does not commit. */
  private async reserving<T>(roomId: number, work: (trx: Knex.Transaction, allocate: (seq: number) => void) => Promise<T>): Promise<T> {
    const allocated: number[] = [];
    try {
      const result = await this.knex.transaction((trx) =>
        work(trx, (seq) => {
          allocated.push(seq);
          this.order.allocate(roomId, seq);
        }),
      );
      allocated.length = 0;
      return result;
    } finally {
      for (const seq of allocated) this.order.abandon(roomId, seq);
    }
  }
}
