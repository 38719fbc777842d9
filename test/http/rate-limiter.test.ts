/** The in-memory request rate limiter, on a clock the test moves: windows per key, remaining, reset, refusal. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InMemoryRateLimiter } from '../../src/http/rate-limiter.js';

test('each key has its own window: remaining counts down, the request after the limit is refused, a new window starts afresh', async () => {
  let now = 1_000_000;
  const limiter = new InMemoryRateLimiter(3, 60_000, () => now);
  const states = [];
  for (let i = 0; i < 4; i++) states.push(await limiter.hit('a'));
  assert.deepEqual(
    states.map((s) => [s.allowed, s.remaining, s.resetSeconds]),
    [[true, 2, 60], [true, 1, 60], [true, 0, 60], [false, 0, 60]],
  );
  assert.deepEqual(await limiter.hit('b'), { limit: 3, remaining: 2, resetSeconds: 60, allowed: true });
  now += 59_001; // 999 ms left in a's window: reset rounds up to a whole second
  assert.deepEqual(await limiter.hit('a'), { limit: 3, remaining: 0, resetSeconds: 1, allowed: false });
  now += 999;
  assert.deepEqual(await limiter.hit('a'), { limit: 3, remaining: 2, resetSeconds: 60, allowed: true });
});
