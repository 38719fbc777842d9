/**
 * One lock per key, in process: work under the same key runs one at a time, in arrival order; different
 * keys never wait for each other. Used where two steps on the same file or picture must not interleave.
 */
export class KeyedMutex {
  /** The tail of each key's chain; dropped once nothing waits on it, so idle keys cost nothing. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier call with this key has settled (whether it succeeded or failed). */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
