// Adaptive batching of lookups by key: with fewer than `concurrency` batches in flight a lookup runs at once (no added
// latency when quiet); otherwise it waits, and the next batch takes every key queued meanwhile. A burst (thousands of
// sockets reconnecting after a restart) becomes a handful of `WHERE key IN (...)` queries instead of one per lookup.
export class Batcher<K, V> {
  private queue: { key: K; resolve(v: V | undefined): void; reject(err: unknown): void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly concurrency = 4,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      const keys = [...new Set(batch.map((b) => b.key))];
      this.fetch(keys)
        .then(
          (found) => {
            for (const b of batch) b.resolve(found.get(b.key));
          },
          (err: unknown) => {
            for (const b of batch) b.reject(err);
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
