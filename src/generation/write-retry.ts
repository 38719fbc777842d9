/**
 * Trying a run's database writes again when the database did not answer (a dropped connection, a failover):
 * an image row, the outcome, a retry-later or a give-back. The run still holds its lease while it retries (its
 * heartbeats go on), and each of those writes is fenced by that lease and idempotent (an image row is keyed by
 * its generation and batch index; an outcome write accepts a row already in the state it writes), so a write
 * whose answer was lost but that did happen is not done twice.
 */

import type { Logger } from '../logger.js';

/** About a minute in all: longer than a connection pool takes to reconnect, shorter than a drain. */
export const WRITE_RETRY_DELAYS_MS: readonly number[] = [200, 400, 800, 1600, 3200, ...Array<number>(11).fill(5000)];

/** For a read a client waits for (a new job's queue position): about three seconds in all. */
export const READ_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800, 1600];

export interface RetryOptions {
  /** The pause before each further try; when they are used up, the last error is thrown. */
  delaysMs: readonly number[];
  /** Whether an error may be tried again (the database did not answer); any other is thrown at once. */
  retryable(error: unknown): boolean;
  /** True when retrying no longer makes sense (the lease was lost): the last error is thrown at once. */
  giveUp(): boolean;
  /** Told before each pause (to log it). */
  onRetry(error: unknown, retry: number, delayMs: number): void;
}

export async function retryWrite<T>(write: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await write();
    } catch (error) {
      const delayMs = options.delaysMs[retry];
      if (delayMs === undefined || !options.retryable(error) || options.giveUp()) throw error;
      options.onRetry(error, retry + 1, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * The usual options: an error `isUnreachable` (the JobQueue port's) says the database did not answer is tried
 * again, each retry logged as a warning naming `what` failed; `giveUp` ends it early (the run lost its lease).
 */
export function whileUnreachable(
  isUnreachable: (error: unknown) => boolean,
  log: Logger,
  what: string,
  { giveUp = () => false, delaysMs = WRITE_RETRY_DELAYS_MS }: { giveUp?: () => boolean; delaysMs?: readonly number[] } = {},
): RetryOptions {
  return {
    delaysMs,
    retryable: isUnreachable,
    giveUp,
    onRetry: (error, retry, delayMs) => log.warn({ err: error, retry, retryInMs: delayMs }, `${what} failed; trying again`),
  };
}
