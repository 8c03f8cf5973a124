// Admission control for socket set-ups (handshake to session:ready). After a restart or a network blip every client
// comes back at once; unbounded, their set-ups pile onto the event loop and the database pool together, every one
// gets slower, pings of the sockets already set up time out, and those reconnect too. Bounded: at most `limit`
// set-ups run at once, up to `queue` more wait (at most `waitMs`) for a slot, and the rest are answered at once,
// before any token or database work, with the retryable SERVICE_UNAVAILABLE and a hint of when to come back, sized
// from the backlog and the rate set-ups are finishing at. A refused client costs the node a few microseconds.
export interface AdmissionOptions {
  /** Set-ups running at once. */
  limit: number;
  /** Set-ups that may wait for a slot; beyond this a handshake is refused at once. */
  queue: number;
  /** Longest a queued handshake waits before it is refused instead. */
  waitMs: number;
  /** Called whenever the number of set-ups running or queued changes (a metrics gauge). */
  onChange?: (running: number, queued: number) => void;
}

export type Admitted = { ok: true; release: () => void } | { ok: false; retryAfterMs: number };

const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;
/** Completions are counted over this window to estimate how fast the node gets through its backlog. */
const RATE_WINDOW_MS = 2000;

export class Admission {
  private active = 0;
  private readonly waiting: { admit: (a: Admitted) => void; timer: NodeJS.Timeout }[] = [];
  /** Completion counts per 100 ms slot of the last RATE_WINDOW_MS. */
  private readonly done = new Uint32Array(RATE_WINDOW_MS / 100);
  private doneSlot = 0;
  private doneSlotAt = 0;
  refused = 0;

  constructor(private readonly o: AdmissionOptions) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Takes a slot (perhaps after waiting for one), or answers how long the caller should wait before retrying. */
  enter(): Promise<Admitted> {
    if (this.active < this.o.limit) return Promise.resolve(this.take());
    if (this.waiting.length >= this.o.queue) return Promise.resolve(this.refuse());
    return new Promise((resolve) => {
      const entry = {
        admit: resolve,
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          this.changed();
          resolve(this.refuse());
        }, this.o.waitMs),
      };
      this.waiting.push(entry);
      this.changed();
    });
  }

  private changed(): void {
    this.o.onChange?.(this.active, this.waiting.length);
  }

  private take(): Admitted {
    this.active += 1;
    this.changed();
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.count();
        const next = this.waiting.shift();
        if (next) {
          clearTimeout(next.timer);
          next.admit(this.take());
        } else this.changed();
      },
    };
  }

  private refuse(): Admitted {
    this.refused += 1;
    return { ok: false, retryAfterMs: this.retryAfterMs() };
  }

  /**
   * Time for the node to work through what is ahead of a newcomer (running + queued) at the rate set-ups finished
   * over the last two seconds; a node that finished none yet assumes one second per `limit`.
   */
  retryAfterMs(): number {
    this.rotate();
    const finished = this.done.reduce((a, b) => a + b, 0);
    const perMs = finished > 0 ? finished / RATE_WINDOW_MS : this.o.limit / 1000;
    const ahead = this.active + this.waiting.length;
    return Math.round(Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, ahead / perMs)));
  }

  private rotate(): void {
    const now = Date.now();
    const elapsed = Math.floor((now - this.doneSlotAt) / 100);
    if (elapsed <= 0) return;
    if (elapsed >= this.done.length) this.done.fill(0);
    else for (let i = 1; i <= elapsed; i++) this.done[(this.doneSlot + i) % this.done.length] = 0;
    this.doneSlot = (this.doneSlot + elapsed) % this.done.length;
    this.doneSlotAt = elapsed >= this.done.length ? now : this.doneSlotAt + elapsed * 100;
  }

  private count(): void {
    this.rotate();
    this.done[this.doneSlot] = (this.done[this.doneSlot] ?? 0) + 1;
  }
}
