/** A promise bounded in time: what a health check or a scrape waits for must not hang it. */

export class TimedOutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimedOutError';
  }
}

/** `promise`'s result, or a TimedOutError once `ms` have passed (the promise itself runs on, unobserved). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimedOutError(ms)), ms);
  });
  // A rejection after the timeout has nobody listening: swallow it rather than crash the process.
  promise.catch(() => undefined);
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
