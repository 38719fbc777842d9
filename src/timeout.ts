/** A promise bounded in time: what a health check, a scrape or a Redis command waits for must not hang it. */

export class TimedOutError extends Error {
  constructor(
    readonly ms: number,
    message = `no answer within ${ms} ms`,
  ) {
    super(message);
    this.name = 'TimedOutError';
  }
}

/**
 * `promise`'s result, or a TimedOutError (with `message`, if given) once `ms` have passed. The promise itself
 * carries on; its outcome is then ignored.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimedOutError(ms, message)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout must not be unhandled
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
