// Writes new messages with group commit. Sends queue per room, and each room has at most one batch being written
// at a time, so its seqs are reserved in order. A few transactions run at once; batches that arrive while they
// run are written together in the next one, across rooms, in a fixed number of statements: one read for membership
// and clientIds already used, one seq UPDATE for every room, one multi-row INSERT, one commit (and one log flush) for
// them all. A lone message with
// nothing else waiting takes the four-statement path
// (BEGIN, UPDATE rooms, INSERT, COMMIT). Seqs stay gap-free: they are reserved only for rows that are written,
// inside the transaction that writes them, and a transaction that does not commit hands them back.
import type { Knex } from 'knex';
import { isUniqueViolation } from '../errors.js';
import { dialectOf } from '../db/knex.js';
import { retryOnConflict } from '../db/transaction.js';
import { key, type MessageRow, type MessagesRepository, type NewMessage } from './messages.repository.js';
import type { RoomOrder } from './room-order.js';

export type WriteOutcome =
  | { kind: 'inserted'; row: MessageRow }
  | { kind: 'not-member' }
  | { kind: 'duplicate' }
  /** The upload is not the sender's to attach, or another message holds it already. */
  | { kind: 'attachment-taken' };

/** Thrown inside a transaction to roll it back when an upload cannot be claimed. */
class AttachmentTaken extends Error {}

interface Pending {
  input: NewMessage;
  resolve(outcome: WriteOutcome): void;
  reject(err: unknown): void;
}

/** One room's share of a transaction. */
interface Job {
  roomId: number;
  batch: Pending[];
}

/** One room's share of a group commit, as planned: outcomes (inserted ones filled in after the INSERT), rows to write. */
interface Plan {
  roomId: number;
  result: WriteOutcome[];
  writable: NewMessage[];
  first: number;
}

/** Messages one room puts into one transaction. */
const MAX_BATCH = 100;
/** Messages in one transaction across rooms: one multi-row INSERT, which SQLite writes as a compound SELECT (<= 500 terms). */
const MAX_MESSAGES_PER_TRANSACTION = 400;
const INSERTED_LATER = { kind: 'inserted', row: undefined as unknown as MessageRow } as const;

export class RoomWriter {
  /** Sends not yet in a transaction, per room. */
  private readonly queues = new Map<number, Pending[]>();
  /** Rooms with a batch in a running transaction: their next batch waits for it, so seqs are reserved in order. */
  private readonly busy = new Set<number>();
  /** Rooms with queued sends and no running batch, in arrival order. */
  private readonly ready: number[] = [];
  private running = 0;
  private pumpScheduled = false;
  /** Transactions in flight at once; the rest of the pool serves reads, session checks and other writes. */
  private readonly maxTransactions: number;

  constructor(
    private readonly knex: Knex,
    private readonly repo: MessagesRepository,
    private readonly order: RoomOrder,
    options: { maxTransactions?: number } = {},
  ) {
    // SQLite has one connection: writes merge as soon as a second room is waiting.
    this.maxTransactions = options.maxTransactions ?? (dialectOf(knex) === 'sqlite' ? 1 : 4);
  }

  write(input: NewMessage): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(input.roomId);
      if (queue) queue.push({ input, resolve, reject });
      else this.queues.set(input.roomId, [{ input, resolve, reject }]);
      if (!queue && !this.busy.has(input.roomId)) this.ready.push(input.roomId);
      // Sends that arrive in the same tick (a burst from one socket frame, a test's Promise.all) start together.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Starts transactions while there is room for one, each taking the batches of every ready room that fits. */
  private pump(): void {
    while (this.running < this.maxTransactions && this.ready.length > 0) {
      const jobs: Job[] = [];
      let messages = 0;
      while (this.ready.length > 0) {
        const roomId = this.ready[0]!;
        const queue = this.queues.get(roomId)!;
        const size = Math.min(queue.length, MAX_BATCH);
        if (jobs.length > 0 && messages + size > MAX_MESSAGES_PER_TRANSACTION) break;
        this.ready.shift();
        jobs.push({ roomId, batch: queue.splice(0, size) });
        if (queue.length === 0) this.queues.delete(roomId);
        this.busy.add(roomId);
        messages += size;
      }
      this.running += 1;
      void this.run(jobs).finally(() => {
        this.running -= 1;
        for (const { roomId } of jobs) {
          this.busy.delete(roomId);
          if (this.queues.has(roomId)) this.ready.push(roomId);
        }
        this.pump();
      });
    }
  }

  private async run(jobs: Job[]): Promise<void> {
    const only = jobs.length === 1 ? jobs[0]!.batch : undefined;
    if (only?.length === 1) await this.settle(only[0]!, () => this.single(only[0]!.input));
    else await this.together(jobs);
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
        this.reserving(async (trx, allocate) => {
          // A system message's actor may have just left (a leave, a kick): only the room must be live.
          const seq = await this.repo.reserveSeqs(input.roomId, 1, trx, input.system ? undefined : input.senderId);
          if (seq === undefined) return { kind: 'not-member' };
          allocate(input.roomId, seq);
          const [row] = await this.repo.insertRun([input], seq, trx);
          await this.claim([input], [row!], trx);
          return { kind: 'inserted', row: row! };
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) return { kind: 'duplicate' };
      if (err instanceof AttachmentTaken) return { kind: 'attachment-taken' };
      throw err;
    }
  }

  /**
   * One transaction for the batches of several rooms (or a burst in one), in a fixed number of statements however
   * many rooms it holds: clientIds already used and every sender's membership are found in one (plain) read, every
   * room's seqs are reserved with one UPDATE (rooms in id order, so two nodes' transactions cannot
   * deadlock on each other's room rows), and every row goes in with one INSERT. A clientId race with another node
   * (a unique violation) falls back to one transaction per message, where duplicates are told apart.
   */
  private async together(jobs: Job[]): Promise<void> {
    const sorted = [...jobs].sort((a, b) => a.roomId - b.roomId);
    let outcomes: WriteOutcome[][];
    try {
      outcomes = await retryOnConflict(() =>
        this.reserving(async (trx, allocate) => {
          const inputs = sorted.flatMap((j) => j.batch.map((p) => p.input));
          // System messages are written for the room, not by a member, so their actors are not checked.
          const { members, taken } = await this.repo.planningReads(
            inputs,
            inputs.filter((m) => !m.system).map((m) => ({ roomId: m.roomId, userId: m.senderId })),
            trx,
          );
          const seen = new Set<string>();
          const plans = sorted.map((job) => this.plan(job, taken, seen, members));
          const counts = new Map(plans.filter((p) => p.writable.length > 0).map((p) => [p.roomId, p.writable.length]));
          const last = await this.repo.reserveSeqsMany(counts, trx);
          for (const plan of plans) {
            if (plan.writable.length === 0) continue;
            const end = last.get(plan.roomId);
            if (end === undefined) {
              // The room is gone: nothing of it is written.
              plan.result = plan.result.map((): WriteOutcome => ({ kind: 'not-member' }));
              plan.writable = [];
              continue;
            }
            plan.first = end - plan.writable.length + 1;
            plan.writable.forEach((_, i) => allocate(plan.roomId, plan.first + i));
          }
          const runs = plans.filter((p) => p.writable.length > 0).map((p) => ({ first: p.first, inputs: p.writable }));
          const rows = runs.length > 0 ? await this.repo.insertRuns(runs, trx) : [];
          for (let r = 0; r < runs.length; r++) await this.claim(runs[r]!.inputs, rows[r]!, trx);
          let run = 0;
          return plans.map((plan) => {
            if (plan.writable.length === 0) return plan.result;
            const written = rows[run++]!;
            let next = 0;
            return plan.result.map((o): WriteOutcome => (o.kind === 'inserted' ? { kind: 'inserted', row: written[next++]! } : o));
          });
        }),
      );
    } catch (err) {
      // A clientId race with another node, or an upload that cannot be claimed: one transaction per message tells
      // the failing one apart from the rest.
      if (!isUniqueViolation(err) && !(err instanceof AttachmentTaken)) {
        for (const job of sorted) for (const p of job.batch) p.reject(err);
        return;
      }
      for (const job of sorted) for (const p of job.batch) await this.settle(p, () => this.single(p.input));
      return;
    }
    sorted.forEach((job, j) => job.batch.forEach((p, i) => p.resolve(outcomes[j]![i]!)));
  }

  /** One room's part: who may write (members of the live room; system messages always) and which clientIds are new. */
  private plan(job: Job, taken: Set<string>, seen: Set<string>, members: Set<string>): Plan {
    const result: WriteOutcome[] = [];
    const writable: NewMessage[] = [];
    for (const p of job.batch) {
      const m = p.input;
      if (!m.system && !members.has(`${job.roomId}:${m.senderId}`)) result.push({ kind: 'not-member' });
      // Only retries of stored messages are answered as duplicates, and to members only.
      else if (taken.has(key(m)) || seen.has(key(m))) result.push({ kind: 'duplicate' });
      else {
        seen.add(key(m));
        writable.push(m);
        result.push(INSERTED_LATER);
      }
    }
    return { roomId: job.roomId, result, writable, first: 0 };
  }

  /** Claims the uploads of image/file messages just written; any refusal rolls the whole transaction back. */
  private async claim(inputs: readonly NewMessage[], rows: readonly MessageRow[], trx: Knex.Transaction): Promise<void> {
    for (let i = 0; i < inputs.length; i++) {
      const m = inputs[i]!;
      if (m.attachment && !(await this.repo.claimUpload(m.attachment.id, m.senderId, Number(rows[i]!.id), trx)))
        throw new AttachmentTaken();
    }
  }

  /** A transaction whose allocated seqs are handed back to RoomOrder if it does not commit. */
  private async reserving<T>(work: (trx: Knex.Transaction, allocate: (roomId: number, seq: number) => void) => Promise<T>): Promise<T> {
    const allocated: [number, number][] = [];
    try {
      const result = await this.knex.transaction((trx) =>
        work(trx, (roomId, seq) => {
          allocated.push([roomId, seq]);
          this.order.allocate(roomId, seq);
        }),
      );
      allocated.length = 0;
      return result;
    } finally {
      for (const [roomId, seq] of allocated) this.order.abandon(roomId, seq);
    }
  }
}
