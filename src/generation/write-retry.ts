/**
 * Writing a job's outcome again when the database did not answer (a dropped connection, a failover): the run
 * still holds its lease while it retries (its heartbeats go on), and every outcome write is fenced by that
 * lease and accepts a row already in the state it writes, so a retry never records a job twice.
 */

/** About a minute in all: longer than a connection pool takes to reconnect, shorter than a drain. */
export const OUTCOME_RETRY_DELAYS_MS: readonly number[] = [200, 400, 800, 1600, 3200, ...Array<number>(11).fill(5000)];

export interface RetryOptions {
  /** The pause before each further try; when they are used up, the last error is thrown. */
  delaysMs: readonly number[];
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
      if (delayMs === undefined || options.giveUp()) throw error;
      options.onRetry(error, retry + 1, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
