import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datePart, decodeCursor, encodeCursor, numberPart } from '../../src/library/index.js';
import { KeyedMutex } from '../../src/library/support/keyed-mutex.js';

test('a cursor decodes to the key and id it was made of, and anything else is a RangeError with the message asked for', () => {
  const when = new Date('2026-01-02T03:04:05.678Z');
  assert.deepEqual(decodeCursor(encodeCursor(when.toISOString(), 'abc'), { key: datePart }), { key: when, id: 'abc' });
  assert.deepEqual(decodeCursor(encodeCursor(0.25, 'x'), { key: numberPart }), { key: 0.25, id: 'x' });
  assert.throws(() => decodeCursor('garbage', { key: numberPart, message: 'malformed search cursor' }), new RangeError('malformed search cursor'));
  // A cursor of one kind is not a cursor of another.
  assert.throws(() => decodeCursor(encodeCursor(0.25, 'x'), { key: datePart }), new RangeError('malformed cursor'));
  assert.throws(() => decodeCursor(Buffer.from('[1,2]').toString('base64url'), { key: numberPart }), RangeError);
});

test('work under one key runs one at a time in arrival order, even after a failure; other keys do not wait', async () => {
  const mutex = new KeyedMutex();
  const events: string[] = [];
  let release!: () => void;
  const first = mutex.run('a', async () => {
    events.push('a1 start');
    await new Promise<void>((resolve) => (release = resolve));
    events.push('a1 end');
    throw new Error('a1 failed');
  });
  const second = mutex.run('a', async () => void events.push('a2'));
  await mutex.run('b', async () => void events.push('b'));
  assert.deepEqual(events, ['a1 start', 'b']);
  release();
  await assert.rejects(first, /a1 failed/);
  await second;
  assert.deepEqual(events, ['a1 start', 'b', 'a1 end', 'a2']);
});
