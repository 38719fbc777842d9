import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asStorageFault, ImageStorageError, retryDelayMs, storageFaultMessage } from '../../src/generation/storage-fault.js';

test('a file-system error is a storage fault named by its code, without the path; other errors stay what they are', () => {
  const full = asStorageFault(Object.assign(new Error("ENOSPC: no space left on device, write '/srv/data/images/ab/x.tmp'"), { code: 'ENOSPC' }));
  assert.ok(full instanceof ImageStorageError);
  assert.equal(full.message, 'the disk holding the image folder is full (ENOSPC)');
  assert.ok(!full.message.includes('/srv'));
  const denied = asStorageFault(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
  assert.equal((denied as Error).message, 'the image folder is not writable (EACCES)');
  const decode = new Error('Input buffer contains unsupported image format');
  assert.equal(asStorageFault(decode), decode);
  const prismaError = Object.assign(new Error('unique constraint'), { code: 'P2002' });
  assert.equal(asStorageFault(prismaError), prismaError, 'a database error is not a storage fault');
});

test('the back-off doubles from the first delay, up to 15 minutes; the messages say which attempt and what comes next', () => {
  const policy = { maxAttempts: 3, firstDelayMs: 30_000 };
  assert.deepEqual([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt)), [30_000, 60_000, 120_000]);
  assert.equal(retryDelayMs(policy, 20), 15 * 60_000);
  const fault = new ImageStorageError('ENOSPC', undefined);
  assert.equal(storageFaultMessage(fault, 1, policy, 30_000), 'storing an image failed: the disk holding the image folder is full (ENOSPC); attempt 1 of 3, trying again in 30 s');
  assert.equal(storageFaultMessage(fault, 3, policy), 'storing an image failed: the disk holding the image folder is full (ENOSPC); gave up after 3 attempts');
});
