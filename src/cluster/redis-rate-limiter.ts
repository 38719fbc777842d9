/** The request rate limit shared by every node of a cluster: one count per key and window in Redis. */
import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimitState } from '../http/rate-limiter.js';
import type { Logger } from '../logger.js';
import { withTimeout } from './redis-connection.js';

/** INCR, and the window's expiry set by the request that opened it (or mended if a key ever lacks one), atomically. */
const HIT_LUA = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;
const COMMAND = 'atelierRateHit';
type ScriptedRedis = Redis & { [COMMAND](key: string, windowMs: number): Promise<[number, number]> };

export interface RedisRateLimiterOptions {
  /** Prefix of every key (ATELIER_REDIS_PREFIX). */
  prefix: string;
  /** Counts in this process while Redis does not answer (an InMemoryRateLimiter of the same limit). */
  fallback: RateLimiter;
  logger: Logger;
  /** How long a request waits for Redis before the fallback counts it. Default 500 ms. */
  timeoutMs?: number;
}

/**
 * Fixed windows per key, as InMemoryRateLimiter, counted in Redis so that every node agrees. When Redis does
 * not answer (not connected, or not within `timeoutMs`) the request is counted by the fallback in this
 * process: neither open (one outage would lift the limit) nor closed (one outage would refuse every request);
 * each node keeps the limit on its own until Redis is back, so a caller may get up to (nodes x limit).
 */
export class RedisRateLimiter implements RateLimiter {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    readonly limit: number,
    readonly windowMs: number,
    private readonly options: RedisRateLimiterOptions,
  ) {
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: HIT_LUA });
  }

  async hit(key: string): Promise<RateLimitState> {
    if (this.redis.status !== 'ready') return this.fallBack(key, new Error(`Redis connection is ${this.redis.status}`));
    let count: number;
    let ttlMs: number;
    try {
      const hit = (this.redis as ScriptedRedis)[COMMAND](`${this.options.prefix}rate:${key}`, this.windowMs);
      [count, ttlMs] = await withTimeout(hit, this.options.timeoutMs ?? 500, 'Redis did not answer in time');
    } catch (error) {
      return this.fallBack(key, error);
    }
    if (this.failing) this.options.logger.info('the request rate limit is counted in Redis again');
    this.failing = false;
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      allowed: count <= this.limit,
    };
  }

  private fallBack(key: string, error: unknown): Promise<RateLimitState> {
    if (!this.failing) this.options.logger.warn({ err: error }, 'Redis does not answer: each node counts the request rate limit on its own until it does');
    this.failing = true;
    return this.options.fallback.hit(key);
  }
}
