import assert from 'node:assert/strict';
import { LOCAL_VIEWER } from '../../src/accounts/viewer.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import sharp from 'sharp';
import { LeaseLostError, type GenerationParams } from '../../src/generation/job.js';
import {
  DatabaseImageSink,
  DatabaseJobQueue,
  type Database,
  FileImageStore,
  GenerationReader,
  normalizePrompt,
} from '../../src/library/index.js';
import { suiteBackend } from './pg-test-database.js';

const PARAMS: GenerationParams = {
  prompt: 'a red circle',
  negativePrompt: '',
  model: 'tiny',
  sampler: 'euler',
  steps: 20,
  guidanceScale: 7,
  width: 64,
  height: 64,
  seed: 42n,
  variationSeed: null,
  variationStrength: 0,
  initImageId: null,
  maskImageId: null,
  denoisingStrength: 0.75,
  batchSize: 1,
  previewMethod: 'LATENT2RGB',
  priority: 0,
  loras: [],
  hires: null,
  upscale: null,
};

/** The same behaviour is required of the embedded database and of PostgreSQL. */
function queueSuite(name: string, backend: 'PGlite' | 'PostgreSQL'): void {
  describe(`job queue on ${name}`, () => {
    let prisma: Database['prisma'];
    let queue: DatabaseJobQueue;
    const it = suiteBackend(backend, {
      opened: (db) => {
        prisma = db.prisma;
        queue = new DatabaseJobQueue(prisma);
      },
      reset: async () => {
        await prisma.image.deleteMany();
        await prisma.generation.deleteMany();
        await prisma.prompt.deleteMany();
      },
    });

    it('claims by priority, then first come first served; positions follow the same order', async () => {
      const a = await queue.enqueue({ ...PARAMS, priority: 0 });
      const b = await queue.enqueue({ ...PARAMS, priority: 0 });
      const c = await queue.enqueue({ ...PARAMS, priority: 10 });
      const d = await queue.enqueue({ ...PARAMS, priority: -5 });
      assert.deepEqual(
        await Promise.all([a, b, c, d].map((j) => queue.position(j.id))),
        [2, 3, 1, 4],
      );
      const order: string[] = [];
      for (let job = await queue.claimNext(); job; job = await queue.claimNext()) {
        assert.equal(job.status, 'RUNNING');
        order.push(job.id);
      }
      assert.deepEqual(order, [c.id, a.id, b.id, d.id]);
      assert.equal(await queue.position(a.id), null);
    });

    it('affinity: a young job is passed over for one of the same priority whose model and LoRA set a worker has loaded', async () => {
      const lora = (name: string, weight: number) => ({ name, weight, hash: '' });
      const plain = await queue.enqueue({ ...PARAMS });
      const otherModel = await queue.enqueue({ ...PARAMS, model: 'toy' });
      const withLora = await queue.enqueue({ ...PARAMS, loras: [lora('ink', 0.8), lora('off', 0)] });
      const twoLoras = await queue.enqueue({ ...PARAMS, loras: [lora('ink', 0.8), lora('sun', 1)] });
      const loaded = (model: string, loras: { name: string; weight: number }[] = []) => ({ loaded: [{ model, loras }], maxWaitMs: 20_000 });
      // A weight-0 LoRA is no part of the set; the set's order does not matter; a subset is another set.
      assert.equal((await queue.claimNext(loaded('tiny', [{ name: 'sun', weight: 1 }, { name: 'ink', weight: 0.8 }])))?.id, twoLoras.id);
      assert.equal((await queue.claimNext(loaded('tiny', [{ name: 'ink', weight: 0.8 }])))?.id, withLora.id);
      assert.equal((await queue.claimNext(loaded('toy')))?.id, otherModel.id);
      // Nothing matches: the fair order's job.
      assert.equal((await queue.claimNext(loaded('toy')))?.id, plain.id);
      // Positions keep the plain order (affinity depends on the workers, not on the queue).
      const [first, second] = [await queue.enqueue({ ...PARAMS }), await queue.enqueue({ ...PARAMS, model: 'toy' })];
      assert.deepEqual(await queue.queuedIds(), [first.id, second.id]);
    });

    it('affinity is bounded: a job queued longer than the bound, or of a higher priority, is never passed over; 0 turns it off', async () => {
      const old = await queue.enqueue({ ...PARAMS });
      const matching = await queue.enqueue({ ...PARAMS, model: 'toy' });
      const toy = { loaded: [{ model: 'toy', loras: [] }], maxWaitMs: 20_000 };
      await prisma.generation.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 25_000) } });
      assert.equal((await queue.claimNext(toy))?.id, old.id, 'queued 25 s ago: past the 20 s bound');
      const urgent = await queue.enqueue({ ...PARAMS, priority: 5 });
      const lower = await queue.enqueue({ ...PARAMS, model: 'toy', priority: 0 });
      assert.equal((await queue.claimNext(toy))?.id, urgent.id, 'a higher priority goes first whatever is loaded');
      const young = await queue.enqueue({ ...PARAMS, priority: 0 });
      await prisma.generation.update({ where: { id: young.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
      assert.equal((await queue.claimNext({ ...toy, maxWaitMs: 0 }))?.id, matching.id, 'affinity off: the fair order (oldest first)');
      assert.equal((await queue.claimNext({ ...toy, maxWaitMs: 0 }))?.id, lower.id);
      assert.equal((await queue.claimNext(toy))?.id, young.id);
    });

    it('concurrent claims never hand out the same job twice', async () => {
      const jobs = await Promise.all(Array.from({ length: 12 }, () => queue.enqueue(PARAMS)));
      const claimed = await Promise.all(Array.from({ length: 16 }, () => queue.claimNext()));
      const ids = claimed.filter((j) => j !== null).map((j) => j!.id);
      assert.equal(ids.length, 12);
      assert.equal(new Set(ids).size, 12);
      assert.deepEqual([...ids].sort(), jobs.map((j) => j.id).sort());
    });

    it('state changes only from the expected state', async () => {
      const queued = await queue.enqueue(PARAMS);
      const running = await queue.enqueue(PARAMS);
      const claimed = await queue.claimNext();
      assert.equal(claimed?.id, queued.id);
      // `queued` is now RUNNING: cancelQueued refuses it, markCancelled stops it.
      assert.equal(await queue.cancelQueued(queued.id), false);
      assert.equal(await queue.cancelQueued(running.id), true);
      assert.equal(await queue.cancelQueued(running.id), false);
      assert.equal(await queue.markCancelled(claimed!), true);
      assert.equal(await queue.complete(claimed!), false); // too late: stays CANCELLED
      const statuses = await prisma.generation.findMany({ select: { id: true, status: true } });
      assert.deepEqual(Object.fromEntries(statuses.map((s) => [s.id, s.status])), { [queued.id]: 'CANCELLED', [running.id]: 'CANCELLED' });
    });

    it('requeues jobs left RUNNING by a crash', async () => {
      const job = await queue.enqueue(PARAMS);
      await queue.claimNext();
      assert.equal(await queue.requeueInterrupted(), 1);
      assert.equal(await queue.position(job.id), 1);
      assert.equal((await queue.claimNext())?.id, job.id);
    });

    it('only jobs whose heartbeat stopped are requeued when other servers may share the queue', async () => {
      const alive = await queue.enqueue(PARAMS);
      const lost = await queue.enqueue(PARAMS);
      const claims = [await queue.claimNext(), await queue.claimNext()];
      // The lost job's server stopped refreshing it two minutes ago; the live one's server just did.
      await prisma.generation.update({ where: { id: lost.id }, data: { heartbeatAt: new Date(Date.now() - 120_000) } });
      assert.deepEqual(await queue.heartbeat(claims.filter((job) => job?.id === alive.id).map((job) => job!)), { lost: [], cancelRequested: [] });
      assert.equal(await queue.requeueInterrupted(60_000), 1);
      assert.equal(await queue.position(lost.id), 1);
      assert.equal(await queue.position(alive.id), null);
      // Alone (embedded database), every RUNNING job found at start-up was interrupted.
      assert.equal(await queue.requeueInterrupted(), 1);
      assert.deepEqual(await queue.queuedIds(), [alive.id, lost.id]); // back in first-come order
    });

    it('a job queued again after a storage fault waits out its back-off, last in line, counting its attempts', async () => {
      const retried = await queue.enqueue(PARAMS);
      const claimed = await queue.claimNext();
      assert.equal(claimed?.attempts, 1);
      assert.equal(await queue.retryLater(claimed!, 'storing an image failed', new Date(Date.now() + 60_000)), true);
      const other = await queue.enqueue(PARAMS);
      assert.deepEqual(await queue.queuedIds(), [other.id, retried.id]);
      // The attempts its QUEUED events carry: one run so far (a place of its first wait is older than its run).
      assert.deepEqual(await queue.queuedJobs(), [{ id: other.id, attempts: 0 }, { id: retried.id, attempts: 1 }]);
      assert.equal((await queue.claimNext())?.id, other.id);
      assert.equal(await queue.claimNext(), null, 'not before its back-off is over');
      const row = await prisma.generation.findUniqueOrThrow({ where: { id: retried.id } });
      assert.equal(row.status, 'QUEUED');
      assert.equal(row.error, 'storing an image failed');
      // Its time has come: claimed again, a second attempt; completing clears the fault's message.
      await prisma.generation.update({ where: { id: retried.id }, data: { notBefore: new Date(Date.now() - 1000) } });
      const again = await queue.claimNext();
      assert.equal(again?.id, retried.id);
      assert.equal(again?.attempts, 2);
      assert.equal(await queue.complete(again!), true);
      const done = await prisma.generation.findUniqueOrThrow({ where: { id: retried.id } });
      assert.equal(done.status, 'COMPLETED');
      assert.equal(done.error, null);
      assert.equal(done.notBefore, null);
    });

    it('a claim is a lease: once the job is claimed again, the earlier run\'s late writes change nothing', async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-lease-'));
      try {
        const nodeA = new DatabaseJobQueue(prisma, { nodeId: 'node-a' });
        const nodeB = new DatabaseJobQueue(prisma, { nodeId: 'node-b' });
        const sink = new DatabaseImageSink(prisma, new FileImageStore(dataDir));
        const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 40, b: 90 } } }).png().toBuffer();
        const job = await nodeA.enqueue(PARAMS);
        const first = (await nodeA.claimNext())!;
        assert.deepEqual([first.claimedBy, first.attempts], ['node-a', 1]);
        // node-a stalls; its job is stale and node-b runs it (attempt 2).
        await prisma.generation.update({ where: { id: job.id }, data: { heartbeatAt: new Date(Date.now() - 120_000) } });
        assert.equal(await nodeB.requeueInterrupted(60_000), 1);
        const second = (await nodeB.claimNext())!;
        assert.deepEqual([second.id, second.claimedBy, second.attempts], [job.id, 'node-b', 2]);

        // node-a comes back: its heartbeat says the lease is gone, and nothing it writes lands.
        assert.deepEqual(await nodeA.heartbeat([first]), { lost: [job.id], cancelRequested: [] });
        await assert.rejects(sink.saveImage({ generationId: job.id, lease: first, index: 0, seed: 42n, width: 64, height: 64, png }), LeaseLostError);
        assert.equal(await nodeA.complete(first), false);
        assert.equal(await nodeA.fail(first, 'late'), false);
        assert.equal(await nodeA.markCancelled(first), false);
        assert.equal(await nodeA.retryLater(first, 'late', new Date()), false);
        assert.equal(await nodeA.release(first), false);
        // The same node claiming again gets a new lease: the old attempt's is not it.
        assert.equal(await nodeB.complete({ ...second, attempts: 1 }), false);
        let row = await prisma.generation.findUniqueOrThrow({ where: { id: job.id }, include: { images: true } });
        assert.deepEqual([row.status, row.claimedBy, row.attempts, row.images.length, row.error], ['RUNNING', 'node-b', 2, 0, null]);

        // node-b's run is the one that counts.
        assert.deepEqual(await nodeB.heartbeat([second]), { lost: [], cancelRequested: [] });
        await sink.saveImage({ generationId: job.id, lease: second, index: 0, seed: 42n, width: 64, height: 64, png });
        assert.equal(await nodeB.complete(second), true);
        assert.equal(await nodeA.complete(first), false, 'a late complete after another node completed changes nothing');
        // node-b's write tried again (its first answer lost on the way back) finds its own outcome: still true;
        // another outcome under the same lease is not.
        assert.equal(await nodeB.complete(second), true);
        assert.equal(await nodeB.fail(second, 'late'), false);
        row = await prisma.generation.findUniqueOrThrow({ where: { id: job.id }, include: { images: true } });
        assert.deepEqual([row.status, row.claimedBy, row.images.length], ['COMPLETED', 'node-b', 1]);
      } finally {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });

    it('a restarting node requeues its own RUNNING jobs at once, others\' only once stale; a cancel request reaches the claim', async () => {
      const nodeA = new DatabaseJobQueue(prisma, { nodeId: 'node-a' });
      const nodeB = new DatabaseJobQueue(prisma, { nodeId: 'node-b' });
      const mine = await nodeA.enqueue(PARAMS);
      const theirs = await nodeA.enqueue(PARAMS);
      assert.equal((await nodeA.claimNext())?.id, mine.id);
      assert.equal((await nodeB.claimNext())?.id, theirs.id);
      assert.equal(await nodeA.requeueInterrupted(60_000, 'node-a'), 1);
      assert.deepEqual(await nodeA.queuedIds(), [mine.id]);

      // A cancel asked for while node-b runs it: its heartbeat reports it.
      assert.equal(await nodeA.requestCancel(theirs.id), true);
      assert.equal(await nodeA.requestCancel(mine.id), false, 'not running');
      const held = await prisma.generation.findUniqueOrThrow({ where: { id: theirs.id } });
      const lease = { id: theirs.id, claimedBy: 'node-b', attempts: held.attempts };
      assert.deepEqual(await nodeB.heartbeat([lease]), { lost: [], cancelRequested: [theirs.id] });
      // node-b dies before it stops the run: whoever claims the job next sees the request.
      assert.equal(await nodeA.requeueInterrupted(0), 1);
      const claims = [await nodeA.claimNext(), await nodeA.claimNext()];
      assert.deepEqual(claims.map((job) => [job?.id, job?.cancelRequested]).sort(), [[mine.id, false], [theirs.id, true]].sort());
    });

    it('deduplicates prompts by normalized text and counts uses', async () => {
      await queue.enqueue({ ...PARAMS, prompt: 'A  Red circle ' });
      await queue.enqueue({ ...PARAMS, prompt: 'a red CIRCLE' });
      const prompts = await prisma.prompt.findMany();
      assert.equal(prompts.length, 1);
      assert.deepEqual([prompts[0]!.text, prompts[0]!.normalized, prompts[0]!.useCount], ['A  Red circle', normalizePrompt('a red circle'), 2]);
    });

    it('the same new prompt enqueued concurrently becomes one prompt row', async () => {
      await Promise.all(Array.from({ length: 8 }, () => queue.enqueue({ ...PARAMS, prompt: 'a brand new prompt' })));
      const prompts = await prisma.prompt.findMany();
      assert.deepEqual(prompts.map((p) => [p.normalized, p.useCount]), [['a brand new prompt', 8]]);
    });

    it('seeds 0 and 2^64-1 round-trip exactly', async () => {
      const reader = new GenerationReader(prisma);
      for (const seed of [0n, 2n ** 64n - 1n, 2n ** 53n + 1n]) {
        const job = await queue.enqueue({ ...PARAMS, seed, variationSeed: seed, variationStrength: 0.5 });
        assert.equal(job.seed, seed);
        const record = await reader.getGeneration(job.id, LOCAL_VIEWER);
        assert.deepEqual([record?.seed, record?.variationSeed, record?.variationStrength], [seed, seed, 0.5]);
      }
    });

    it('stores image files before their rows, content-addressed, and pages through generations stably', async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-images-'));
      try {
        const store = new FileImageStore(dataDir);
        const sink = new DatabaseImageSink(prisma, store);
        const reader = new GenerationReader(prisma);
        const jobs = [];
        for (let i = 0; i < 7; i++) jobs.push(await queue.enqueue({ ...PARAMS, prompt: `prompt ${i}` }));
        const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
        const stored = await sink.saveImage({ generationId: jobs[0]!.id, index: 0, seed: 42n, width: 64, height: 64, png });
        const again = await sink.saveImage({ generationId: jobs[1]!.id, index: 0, seed: 42n, width: 64, height: 64, png });
        assert.equal(stored.sha256, again.sha256);
        const record = await reader.getImage(stored.id);
        assert.equal(record?.path, `images/${stored.sha256.slice(0, 2)}/${stored.sha256}.png`);
        assert.deepEqual(await fs.readFile(path.join(dataDir, record!.path)), png);
        // One PNG however often it is stored, and one WebP thumbnail beside it in the store.
        const files = (await fs.readdir(path.join(dataDir, 'images'), { recursive: true })).filter((f) => /\.(png|webp)$/.test(f));
        assert.deepEqual(files.map((f) => path.extname(f)).sort(), ['.png', '.webp']);
        assert.ok(files.some((f) => f.endsWith(`${stored.sha256}.png`)));

        const seen: string[] = [];
        let after: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await reader.listGenerations({ first: 3, after, viewer: LOCAL_VIEWER });
          pages++;
          assert.equal(page.totalCount, pages === 1 ? 7 : 8); // counts what exists now
          seen.push(...page.items.map((i) => i.record.id));
          if (!page.hasNextPage) break;
          after = page.endCursor!;
          if (pages === 1) await queue.enqueue({ ...PARAMS, prompt: 'arrives while paging' }); // must not shift pages
        }
        assert.equal(pages, 3);
        assert.deepEqual(seen, [...jobs].reverse().map((j) => j.id));
        await assert.rejects(reader.listGenerations({ first: 3, after: 'garbage', viewer: LOCAL_VIEWER }), RangeError);
      } finally {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}

queueSuite('embedded PGlite', 'PGlite');
queueSuite('PostgreSQL', 'PostgreSQL');
