// Admission control for socket set-ups (handshake to session:ready). After a restart or a network blip every client
// comes back at once; unbounded, their set-ups pile onto the event loop and the database pool together, every one
// gets slower, pings of the sockets already set up time out, and those reconnect too. Bounded: at most `limit`
// set-ups run at once, up to `queue` more wait (at most `waitMs`) for a slot, and the rest are answered at once,
// before any token or database work, with the retryable SERVICE_UNAVAILABLE and a hint of when to come back, sized
// from the backlog and the rate set-ups are finishing at, a turn of its own for each refused client. A refusal costs
// the node no token or database work.
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
  /** Refused clients whose turn (see retryAfterMs) has not come yet, as of `promisedAt`. */
  private promised = 0;
  private promisedAt = 0;
  /** When the first set-up began (the rate window of a young node is its age). */
  private firstTakeAt = 0;

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
    this.firstTakeAt ||= Date.now();
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
   * When to come back: each refused client gets a turn of its own, one after another at the rate set-ups are
   * finishing (over the last two seconds, or since the first set-up when the node is younger; a node that finished
   * none yet assumes one second per `limit`), the first once what is running and queued now is through. The turns
   * promised and not yet due are counted, and re-timed whenever the measured rate changes. The same hint for
   * everyone sent them all back at once, to be refused again (a refusal costs most of a handshake: it comes after
   * the WebSocket and Socket.IO open), and left the node idle in between.
   */
  retryAfterMs(): number {
    this.rotate();
    const now = Date.now();
    const finished = this.done.reduce((a, b) => a + b, 0);
    const windowMs = Math.max(100, Math.min(RATE_WINDOW_MS, now - this.firstTakeAt));
    const perMs = finished > 0 ? finished / windowMs : this.o.limit / 1000;
    this.promised = Math.max(0, this.promised - (now - this.promisedAt) * perMs);
    this.promisedAt = now;
    const hint = (this.active + this.waiting.length + this.promised) / perMs;
    this.promised = Math.min(this.promised + 1, MAX_RETRY_MS * perMs);
    return Math.round(Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, hint)));
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
