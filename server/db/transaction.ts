// Transactions that survive lock conflicts. InnoDB aborts one side of a deadlock (and SQLite can report BUSY);
// both databases document "run the transaction again" as the remedy, so every service transaction goes through here
// instead of turning a routine conflict into a 503.
import type { Knex } from 'knex';
import { isTransientConflict } from '../errors.js';

const ATTEMPTS = 4;

/** Retries `fn` (which must have no effects outside the database) when the database aborted it for a lock conflict. */
export async function retryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= ATTEMPTS || !isTransientConflict(err)) throw err;
      // Jittered backoff so the two sides of a deadlock do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}

/** `knex.transaction(work)`, run again from the start if the database aborted it for a lock conflict. */
export function transact<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return retryOnConflict(() => knex.transaction(work));
}
