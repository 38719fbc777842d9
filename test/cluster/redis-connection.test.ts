// A node's Redis connections: ping for a readiness check, and a clear refusal when Redis cannot be reached at start.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { connectRedis, RedisUnreachableError } from '../../src/cluster/redis-connection.js';
import { ConfigError } from '../../src/config.js';
import { NO_REDIS, openTestRedis } from '../support/test-redis.js';

const redis = await openTestRedis();
after(async () => {
  if (redis) assert.deepEqual(await redis.cleanUp(), []);
});

test('ping answers while Redis does, and rejects once it does not', { skip: redis ? false : NO_REDIS }, async () => {
  const connections = await redis!.connect();
  await connections.ping();
  connections.commands.disconnect();
  await assert.rejects(connections.ping(200));
});

test('an unreachable Redis at start is a ConfigError naming ATELIER_REDIS_URL, without the password', async () => {
  const refused = connectRedis('redis://:secret-word@127.0.0.1:1', pino({ level: 'silent' }));
  await assert.rejects(refused, (error: unknown) => {
    assert.ok(error instanceof RedisUnreachableError && error instanceof ConfigError);
    assert.match(error.message, /^Invalid setting ATELIER_REDIS_URL: redis:\/\/:\*\*\*@127\.0\.0\.1:1 cannot be reached/);
    assert.doesNotMatch(error.message, /secret-word/);
    return true;
  });
});
