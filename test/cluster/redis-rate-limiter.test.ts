// The request rate limit in Redis: two nodes share one count per key and window; without Redis each node counts on its own.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisRateLimiter } from '../../src/cluster/redis-rate-limiter.js';
import { InMemoryRateLimiter } from '../../src/http/rate-limiter.js';
import { NO_REDIS, openTestRedis } from '../support/test-redis.js';

const redis = await openTestRedis();
const skip = redis ? false : NO_REDIS;
after(async () => {
  if (redis) assert.deepEqual(await redis.cleanUp(), [], 'every key of this file is gone');
});

async function limiterOnNewNode(limit: number, logger = pino({ level: 'silent' })): Promise<{ limiter: RedisRateLimiter; commands: Redis }> {
  const { commands } = await redis!.connect();
  return { limiter: new RedisRateLimiter(commands, limit, 60_000, { prefix: redis!.prefix, fallback: new InMemoryRateLimiter(limit), logger }), commands };
}

test('two nodes count one key together: the request after the limit is refused whichever node gets it', { skip }, async () => {
  const [a, b] = [await limiterOnNewNode(5), await limiterOnNewNode(5)];
  const states = [];
  for (let i = 0; i < 6; i++) states.push(await (i % 2 === 0 ? a : b).limiter.hit('account:shared'));
  assert.deepEqual(
    states.map((s) => [s.allowed, s.remaining]),
    [[true, 4], [true, 3], [true, 2], [true, 1], [true, 0], [false, 0]],
  );
  assert.ok(states.every((s) => s.limit === 5 && s.resetSeconds >= 1 && s.resetSeconds <= 60), JSON.stringify(states));
  assert.deepEqual(await b.limiter.hit('account:other'), { limit: 5, remaining: 4, resetSeconds: 60, allowed: true });
  // The window's expiry is set by its first request, and mended if a key ever lost it.
  const key = `${redis!.prefix}rate:account:shared`;
  const ttl = await a.commands.pttl(key);
  assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
  await a.commands.persist(key);
  await a.limiter.hit('account:shared');
  assert.ok((await a.commands.pttl(key)) > 0);
});

test('with Redis gone, the node counts on its own (neither open nor closed) and says so once', { skip }, async () => {
  const lines: { msg: string }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  const { limiter, commands } = await limiterOnNewNode(2, pino({ level: 'warn' }, sink));
  commands.disconnect();
  const states = [await limiter.hit('address:1'), await limiter.hit('address:1'), await limiter.hit('address:1')];
  assert.deepEqual(states.map((s) => s.allowed), [true, true, false]);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!.msg, /each node counts the request rate limit on its own/);
});
