// Real Redis for tests: connection sets on a random key prefix per test file, and the keys removed afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis, type RedisConnections } from '../../src/cluster/redis-connection.js';
import { createLogger, type Logger } from '../../src/logger.js';

export const REDIS_URL = process.env.ATELIER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NO_REDIS = `Redis is not reachable at ATELIER_TEST_REDIS_URL or ${REDIS_URL}`;

export interface TestRedis {
  url: string;
  /** `atelier-test-<random>:`, this file's own. */
  prefix: string;
  /** A new connection set (one node's); `url` another way to the same Redis (a proxy). */
  connect(logger?: Logger, url?: string): Promise<RedisConnections>;
  /** Closes every set `connect` made and deletes every key under the prefix; resolves to the keys still there (none). */
  cleanUp(): Promise<string[]>;
}

/** Null when no Redis answers (the tests then skip with NO_REDIS). */
export async function openTestRedis(): Promise<TestRedis | null> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
  } catch {
    probe.disconnect();
    return null;
  }
  const prefix = `atelier-test-${randomBytes(6).toString('hex')}:`;
  const opened: RedisConnections[] = [];
  return {
    url: REDIS_URL,
    prefix,
    connect: async (logger = createLogger('silent'), url = REDIS_URL) => {
      const connections = await connectRedis(url, logger);
      opened.push(connections);
      return connections;
    },
    cleanUp: async () => {
      await Promise.all(opened.map((c) => c.close()));
      await deleteKeys(probe, `${prefix}*`);
      const left = await keysMatching(probe, `${prefix}*`);
      await probe.quit();
      return left;
    },
  };
}

/** Every key matching `pattern`, deleted. */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  const keys = await keysMatching(redis, pattern);
  if (keys.length > 0) await redis.del(...keys);
}

/** The keys matching `pattern` (SCAN, so a large Redis is not blocked). */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}
