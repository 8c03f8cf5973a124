// Removes uploads no one can reach: never attached within a day, or held by a recalled message or a deleted room.
// Several replicas may run it at once: each step (delete the bytes, then the row) is idempotent, so a race only
// repeats work.
import type { Logger } from '../logger.js';
import type { UploadsRepository } from './uploads.repository.js';
import type { UploadsService } from './uploads.service.js';

export const ORPHAN_AFTER_MS = 24 * 3600_000;
const BATCH = 200;

export class UploadSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly repo: UploadsRepository,
    private readonly uploads: UploadsService,
    private readonly logger: Logger,
  ) {}

  /** One pass; resolves with the number of uploads removed. */
  sweep(now = Date.now()): Promise<number> {
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(now: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = await this.repo.unreachable(new Date(now - ORPHAN_AFTER_MS), BATCH);
      for (const row of rows) await this.uploads.discard(row);
      removed += rows.length;
      if (rows.length < BATCH) return removed;
    }
  }

  /** Every `intervalMs` (with jitter, so replicas started together do not sweep in lockstep). */
  start(intervalMs = 3600_000): void {
    const tick = () => {
      this.timer = setTimeout(
        () =>
          void this.sweep()
            .then((n) => n > 0 && this.logger.info({ removed: n }, 'unreachable uploads removed'))
            .catch((err: unknown) => this.logger.warn({ err }, 'upload sweep failed'))
            .finally(tick),
        intervalMs * (0.75 + Math.random() * 0.5),
      );
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
