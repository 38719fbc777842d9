/**
 * Jobs that arrive together are queued by one statement (library/queue/enqueue-statement.ts), on PGlite and
 * PostgreSQL: each prompt and account is counted once per use, the rows keep the order the calls were made in,
 * positions are known without reading the queue again, and a job the database refuses fails alone.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DatabaseJobQueue } from '../../src/library/index.js';
import { JOB_PARAMS } from './job-params.js';
import { queueSuite } from './queue-suite.js';

const PARAMS = { ...JOB_PARAMS, prompt: 'a batch' };

function batchSuite(backend: 'PGlite' | 'PostgreSQL'): void {
  describe(`enqueues arriving together on ${backend}`, () => {
    const suite = queueSuite(backend, (prisma) => prisma.prompt.deleteMany());
    const { it } = suite;

    it('are counted per prompt and account, keep their order and know their places', async () => {
      const asks = [
        { prompt: 'A  Lighthouse', ownerId: 'alice' },
        { prompt: 'a lighthouse', ownerId: 'bob' },
        { prompt: 'a lighthouse', ownerId: 'alice' },
        { prompt: 'a harbour', ownerId: 'bob' },
        ...Array.from({ length: 16 }, (_, i) => ({ prompt: `a ship ${i}`, ownerId: i % 2 ? 'alice' : 'bob' })),
      ];
      // The queue read once (empty); then all sent at once: the first goes alone, the others wait and go together.
      assert.equal(await suite.queue.position('none'), null);
      const reads = suite.queue.claimOrderReads;
      const jobs = await Promise.all(asks.map(({ prompt, ownerId }) => suite.queue.enqueue({ ...PARAMS, prompt }, { ownerId })));

      // One prompt row per normalized text, its first spelling kept and every use counted, per account too.
      const lighthouse = await suite.prisma.prompt.findFirstOrThrow({ where: { normalized: 'a lighthouse' }, include: { uses: true } });
      assert.equal(lighthouse.text, 'A  Lighthouse');
      assert.equal(lighthouse.useCount, 3);
      assert.deepEqual(
        Object.fromEntries(lighthouse.uses.map((use) => [use.ownerId, use.useCount])),
        { alice: 2, bob: 1 },
      );
      assert.deepEqual(jobs.slice(0, 3).map((job) => job.prompt), ['A  Lighthouse', 'A  Lighthouse', 'A  Lighthouse']);
      assert.equal(await suite.prisma.prompt.count(), 18);

      // queueOrder follows the calls: within one account the queue is first come, first served.
      const rows = await suite.prisma.generation.findMany({ orderBy: { queueOrder: 'asc' }, select: { id: true } });
      assert.deepEqual(rows.map((row) => row.id), jobs.map((job) => job.id));

      // Places from the jobs added to the snapshot without reading the queue again, as a fresh read tells them.
      const places = await Promise.all(jobs.map((job) => suite.queue.position(job.id)));
      const fresh = new DatabaseJobQueue(suite.prisma);
      assert.deepEqual(await Promise.all(jobs.map((job) => fresh.position(job.id))), places);
      assert.equal(suite.queue.claimOrderReads, reads);
      assert.deepEqual([...places].sort((a, b) => a! - b!), jobs.map((_, i) => i + 1));
    });

    it('a job the database refuses fails alone; the others are queued', async () => {
      const results = await Promise.allSettled([
        suite.queue.enqueue({ ...PARAMS, prompt: 'first' }, { ownerId: 'alice' }),
        suite.queue.enqueue({ ...PARAMS, prompt: 'second' }, { ownerId: 'alice' }),
        // An init image that is not there: its row breaks a foreign key.
        suite.queue.enqueue({ ...PARAMS, prompt: 'refused', initImageId: 'no-such-image', initImageKind: 'image' }, { ownerId: 'bob' }),
        suite.queue.enqueue({ ...PARAMS, prompt: 'third' }, { ownerId: 'bob' }),
      ]);
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      assert.equal(await suite.prisma.generation.count(), 3);
      assert.equal(await suite.prisma.prompt.count({ where: { normalized: 'refused' } }), 0, 'the refused job counted no prompt use');
    });
  });
}

batchSuite('PGlite');
batchSuite('PostgreSQL');
