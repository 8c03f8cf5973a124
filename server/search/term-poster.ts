// MySQL/MariaDB: writes the postings (`message_terms`) of messages whose transaction has committed, many messages
// per statement, out of the send's path. A message's postings (a few dozen rows for a line of Chinese: one per
// bigram) were written inside the send's transaction, and every ack waited for them; the send now writes its terms
// (`message_search`) and a `message_terms_pending` row, and is acked without waiting for this. (The work itself is
// the same, on the same cores: this shortens the ack, it does not make the index cheaper; README "Durable sends".)
//
// Correct against edits and recalls racing it: a batch reads the terms under the `message_search` row's lock (as an
// edit or recall does first, mysql-terms.ts `forget`), so it posts the terms as they are after whichever came first,
// and posts with INSERT IGNORE (an edit may have posted the new terms already). A recalled message has no terms
// left, so nothing is posted for it. READ COMMITTED: the batch locks the rows it reads, never the gaps between them,
// so a send's insert never waits for a batch.
//
// Durable: the pending row goes in the same transaction as the postings, so whatever a crash (or a node that never
// came back) left unposted is found by the sweep at start-up and every SWEEP_MS after.
import type { Knex } from 'knex';
import { retryOnConflict } from '../db/transaction.js';

/** Messages per batch: one SELECT, one INSERT of their postings (3 placeholders each), one DELETE. */
const BATCH = 500;
/** Postings per INSERT statement, far under MySQL's 65,535 placeholders. */
const CHUNK = 5000;
/** Past this many queued ids the queue stops growing (the database is away): the sweep posts the rest from the table. */
const QUEUE_MAX = 200_000;
/** How often rows left pending by another process are looked for; a row is taken once it was pending at the last look. */
const SWEEP_MS = 60_000;
/** After a failed batch (the database is away), the next try. */
const RETRY_MS = 1000;
/** At shutdown, the batch in flight is waited for at most this long. */
const CLOSE_WAIT_MS = 2000;
/** A search waits at most this long for the postings of messages committed before it (read-your-writes). */
const SETTLE_MAX_MS = 3000;

// The statements here are written out as SQL text, not through the query builder, which at a few thousand messages
// a second would build and escape tens of thousands of bound values on the event loop. Every value is checked to be
// what it must be (an id, a term of [a-z0-9], terms.ts) before it is written into the text.
const TERM = /^[a-z0-9]+$/;
const TERMS = /^[a-z0-9]+( [a-z0-9]+)*$/;

function id(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not an id: ${n}`);
  return String(n);
}

function term(t: string): string {
  if (!TERM.test(t)) throw new Error('not an index term');
  return t;
}

/** `(1,2,3)`: a list of ids for IN. */
function idList(ids: readonly number[]): string {
  return `(${ids.map(id).join(',')})`;
}

/** The rows of `message_search` (terms: space-separated terms) and their pending rows, in two statements. */
export async function insertTermRecords(trx: Knex.Transaction, rows: readonly { id: number; terms: string }[]): Promise<void> {
  const values = rows.map((r) => {
    if (!TERMS.test(r.terms)) throw new Error('not index terms');
    return `(${id(r.id)},'${r.terms}')`;
  });
  await trx.raw(`INSERT INTO message_search (message_id, terms) VALUES ${values.join(',')}`);
  await trx.raw(`INSERT INTO message_terms_pending (message_id) VALUES ${rows.map((r) => `(${id(r.id)})`).join(',')}`);
}

export interface Posting {
  room_id: number;
  term: string;
  message_id: number;
}

export function postingsOf(rows: readonly { id: number; room_id: number; terms: string }[]): Posting[] {
  return rows.flatMap((r) => [...new Set(r.terms.split(' '))].map((term) => ({ room_id: r.room_id, term, message_id: r.id })));
}

export async function insertPostings(trx: Knex.Transaction, postings: readonly Posting[], ignoreDuplicates = false): Promise<void> {
  for (let i = 0; i < postings.length; i += CHUNK) {
    const values = postings.slice(i, i + CHUNK).map((p) => `(${id(p.room_id)},'${term(p.term)}',${id(p.message_id)})`);
    await trx.raw(`INSERT ${ignoreDuplicates ? 'IGNORE ' : ''}INTO message_terms (room_id, term, message_id) VALUES ${values.join(',')}`);
  }
}

export class TermPoster {
  /** Committed messages of this process waiting for their postings: id → room. */
  private readonly queue = new Map<number, number>();
  private running: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** Ids seen pending at the last sweep (another process's rows still pending at the next one are orphans). */
  private seenAtSweep = new Set<number>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly knex: Knex) {}

  /**
   * Posts what an earlier process left pending, then sweeps now and then (a crashed node's rows). Resolves once the
   * leftovers are queued (`settle` then waits for their postings).
   */
  start(): Promise<void> {
    this.sweepTimer = setInterval(() => void this.sweep(false), SWEEP_MS);
    this.sweepTimer.unref();
    return this.sweep(true);
  }

  /** Messages whose transaction has just committed. */
  committed(rows: readonly { id: number; room_id: number }[]): void {
    if (this.closed) return;
    for (const r of rows) if (this.queue.size < QUEUE_MAX) this.queue.set(r.id, r.room_id);
    this.kick();
  }

  /** Resolves once the postings of everything committed by this process so far are written (or after SETTLE_MAX_MS). */
  settle(): Promise<void> {
    if (this.queue.size === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, SETTLE_MAX_MS);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Stops taking work and lets the batch in flight finish (for at most CLOSE_WAIT_MS: a database that hangs must not
   * hold up a shutdown); the rest stays pending for the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.retry);
    this.queue.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    this.wakeIdle();
  }

  private kick(): void {
    if (this.running || this.retry || this.closed) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queue.size > 0 && !this.retry && !this.closed) this.kick();
      else if (this.queue.size === 0) this.wakeIdle();
    });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.closed) {
      const batch: [number, number][] = [];
      for (const entry of this.queue) {
        batch.push(entry);
        if (batch.length === BATCH) break;
      }
      try {
        await this.post(batch);
      } catch {
        // The database is away or refused: the rows stay pending (and queued); try again shortly.
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.kick();
        }, RETRY_MS);
        this.retry.unref();
        return;
      }
      for (const [id] of batch) this.queue.delete(id);
    }
  }

  /** One transaction: the current terms of the batch's messages (locked), their postings, the pending rows gone. */
  private post(batch: readonly [number, number][]): Promise<void> {
    const ids = batch.map(([id]) => id);
    const roomOf = new Map(batch);
    return retryOnConflict(() =>
      this.knex.transaction(
        async (trx) => {
          const [rows] = (await trx.raw(`SELECT message_id, terms FROM message_search WHERE message_id IN ${idList(ids)} FOR UPDATE`)) as [
            { message_id: number | string; terms: string }[],
          ];
          const postings = postingsOf(
            rows.map((r) => ({ id: Number(r.message_id), room_id: roomOf.get(Number(r.message_id))!, terms: r.terms })),
          );
          await insertPostings(trx, postings, true);
          await trx.raw(`DELETE FROM message_terms_pending WHERE message_id IN ${idList(ids)}`);
        },
        { isolationLevel: 'read committed' },
      ),
    );
  }

  /**
   * Rows pending in the table that no process is posting: at start-up all of them (this process has queued nothing
   * yet; a row another node is posting right now is posted twice, harmlessly); later, those already pending at the
   * previous sweep.
   */
  private async sweep(all: boolean): Promise<void> {
    if (this.closed) return;
    try {
      const rows = (await this.knex('message_terms_pending as p')
        .leftJoin('messages as m', 'm.id', 'p.message_id')
        .orderBy('p.message_id')
        .limit(QUEUE_MAX)
        .select('p.message_id as id', 'm.room_id')) as { id: number | string; room_id: number | null }[];
      const now = new Set<number>();
      for (const r of rows) {
        const id = Number(r.id);
        now.add(id);
        // A message gone with its terms (room_id null) is queued all the same: its batch posts nothing and drops the row.
        if ((all || this.seenAtSweep.has(id)) && this.queue.size < QUEUE_MAX) this.queue.set(id, Number(r.room_id ?? 0));
      }
      this.seenAtSweep = now;
      this.kick();
    } catch {
      // The database is away: the next sweep looks again.
    }
  }
}
