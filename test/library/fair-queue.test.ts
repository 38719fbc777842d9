/** Fair turns between accounts in the real queue (PGlite and PostgreSQL): claims, positions, and usage counts. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JOB_PARAMS } from './job-params.js';
import { queueSuite } from './queue-suite.js';

const PARAMS = JOB_PARAMS;

function fairQueueSuite(name: string, backend: 'PGlite' | 'PostgreSQL'): void {
  describe(`fair turns between accounts on ${name}`, () => {
    const suite = queueSuite(backend, (prisma) => prisma.account.updateMany({ data: { lastServedAt: null } }));
    const { it } = suite;
    const enqueue = async (ownerId: string, count: number, priority = 0) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await suite.queue.enqueue({ ...PARAMS, priority }, { ownerId })).id);
      return ids;
    };
    const claims = async (count = Infinity) => {
      const ids: string[] = [];
      while (ids.length < count) {
        const job = await suite.queue.claimNext();
        if (!job) break;
        ids.push(job.id);
      }
      return ids;
    };

    it("one account's many jobs do not starve another's one: B's job is claimed second, as its position said", async () => {
      const a = await enqueue('alice', 6);
      const [b] = await enqueue('bob', 1);
      const [local] = await enqueue('local', 1);
      const predicted = await suite.queue.queuedIds();
      assert.deepEqual(predicted, [a[0], b, local, ...a.slice(1)]);
      assert.equal(await suite.queue.position(b!), 2);
      assert.equal(await suite.queue.position(a[5]!), 8);
      assert.deepEqual(await claims(), predicted);
    });

    it('turns remember who was served: a later job of a served account waits behind the others', async () => {
      const a = await enqueue('alice', 3);
      const b = await enqueue('bob', 1);
      assert.deepEqual(await claims(2), [a[0], b[0]]);
      // Bob was served after Alice; both queue again, Bob first: Alice's turn comes before Bob's new job.
      b.push(...(await enqueue('bob', 1)));
      const predicted = await suite.queue.queuedIds();
      assert.deepEqual(predicted, [a[1], b[1], a[2]]);
      assert.deepEqual(await claims(), predicted);
    });

    it('priority still comes first; a job claimed at a higher priority counts as a turn below it', async () => {
      const low = await enqueue('alice', 2);
      const bobLow = await enqueue('bob', 1);
      const [urgent] = await enqueue('bob', 1, 5);
      const predicted = await suite.queue.queuedIds();
      assert.deepEqual(predicted, [urgent, low[0], bobLow[0], low[1]]);
      assert.deepEqual(await Promise.all(predicted.map((id) => suite.queue.position(id))), [1, 2, 3, 4]);
      assert.deepEqual(await claims(), predicted);
    });

    it('positions stay the claim order through a mixed history: three accounts, two priorities, claims between enqueues', async () => {
      let seed = 7;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const owners = ['alice', 'bob', 'local'];
      const randomJobs = async (count: number) => {
        for (let i = 0; i < count; i++) await enqueue(owners[next() % 3]!, 1, next() % 3 === 0 ? 5 : 0);
      };
      await randomJobs(24);
      await claims(7);
      await randomJobs(12);
      const predicted = await suite.queue.queuedIds();
      assert.equal(predicted.length, 29);
      assert.deepEqual(await claims(), predicted);
    });

    it('concurrent claims hand out every job once across accounts', async () => {
      const ids = [...(await enqueue('alice', 6)), ...(await enqueue('bob', 6))];
      const claimed = (await Promise.all(Array.from({ length: 16 }, () => suite.queue.claimNext()))).filter((job) => job !== null).map((job) => job!.id);
      assert.deepEqual([...claimed].sort(), [...ids].sort());
    });

    it("usage counts an account's queued jobs and its jobs since a time, with the oldest of them", async () => {
      const before = new Date(Date.now() - 1000);
      const [imported] = await enqueue('alice', 1);
      // As the importer stores a picture made elsewhere: COMPLETED, never started. It was not queued.
      await suite.prisma.generation.update({ where: { id: imported! }, data: { status: 'COMPLETED', startedAt: null } });
      await enqueue('alice', 3);
      await enqueue('bob', 1);
      await claims(1); // alice's first job runs: no longer queued, still queued this minute
      const usage = await suite.queue.usage('alice', before);
      assert.deepEqual([usage.queued, usage.recent, usage.oldestRecent instanceof Date], [2, 3, true]);
      assert.deepEqual(await suite.queue.usage('alice', new Date(Date.now() + 60_000)), { queued: 2, recent: 0, oldestRecent: null });
    });
  });
}

fairQueueSuite('embedded PGlite', 'PGlite');
fairQueueSuite('PostgreSQL', 'PostgreSQL');
