// How many requests a key (an account, a client address) made in its current minute: the RateLimiter port
// and the in-memory implementation one process uses. Several servers would share a Redis one instead.

/** Where a key stands after one more request. */
export interface RateLimitState {
  /** Requests a key may make per window. */
  limit: number;
  /** How many it may still make in this window (0 once refused). */
  remaining: number;
  /** Seconds until the window ends and the count starts again (at least 1). */
  resetSeconds: number;
  /** Whether this request is within the limit. */
  allowed: boolean;
}

/** Counts one request of `key`. Async so that a shared store (Redis: INCR and EXPIRE) fits the same port. */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitState>;
}

/**
 * Fixed windows per key, kept in this process: a key's window starts with its first request and lasts
 * `windowMs`. Expired windows are swept at most once a window, so idle keys cost nothing for long.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string): Promise<RateLimitState> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count = Math.min(window.count + 1, this.limit + 1);
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      resetSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)),
      allowed: window.count <= this.limit,
    };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
