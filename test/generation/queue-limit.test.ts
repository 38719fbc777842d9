/** The service refuses jobs beyond the queue limit, after the request is checked; over an in-memory queue. */
import { LOCAL_VIEWER } from '../../src/accounts/viewer.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenerationRequests } from '../../src/generation/generation-requests.js';
import { GenerationService } from '../../src/generation/generation-service.js';
import { InProcessEventBus } from '../../src/generation/in-process-event-bus.js';
import type { AccountUsage, AdmissionCounts, CheckedParams, ClaimedJob, HeartbeatResult, Job, JobQueue, QueuedJobRef } from '../../src/generation/job.js';
import { GenerationRequestError, QueueFullError } from '../../src/generation/request-errors.js';
import { createLogger } from '../../src/logger.js';

/** Just enough of a queue to accept jobs: they stay QUEUED, in order. */
class MemoryQueue implements JobQueue {
  readonly jobs: Job[] = [];
  async enqueue(params: CheckedParams): Promise<Job> {
    const job: Job = { ...params, id: `job${this.jobs.length + 1}`, status: 'QUEUED', createdAt: new Date(), ownerId: 'local', visibility: 'PRIVATE' };
    this.jobs.push(job);
    return job;
  }
  async claimNext(): Promise<ClaimedJob | null> {
    return null;
  }
  async countQueued(): Promise<number> {
    return this.jobs.length;
  }
  async usage(ownerId: string, since: Date): Promise<AccountUsage> {
    const mine = this.jobs.filter((job) => job.ownerId === ownerId);
    const recent = mine.filter((job) => job.createdAt >= since);
    return { queued: mine.length, recent: recent.length, oldestRecent: recent[0]?.createdAt ?? null };
  }
  async admissionCounts(ownerId: string | null, since: Date): Promise<AdmissionCounts> {
    return { queued: this.jobs.length, account: ownerId === null ? null : await this.usage(ownerId, since) };
  }
  async position(id: string): Promise<number | null> {
    const index = this.jobs.findIndex((job) => job.id === id);
    return index < 0 ? null : index + 1;
  }
  async queuedJobs(): Promise<QueuedJobRef[]> {
    return this.jobs.map((job) => ({ id: job.id, attempts: 0 }));
  }
  // Nothing runs here: every run's write finds no lease.
  complete = async (): Promise<boolean> => false;
  fail = async (): Promise<boolean> => false;
  retryLater = async (): Promise<boolean> => false;
  release = async (): Promise<boolean> => false;
  cancelQueued = async (): Promise<boolean> => false;
  requestCancel = async (): Promise<boolean> => false;
  markCancelled = async (): Promise<boolean> => false;
  async heartbeat(): Promise<HeartbeatResult> {
    return { lost: [], cancelRequested: [] };
  }
  async requeueInterrupted(): Promise<number> {
    return 0;
  }
  isUnreachable = (): boolean => false;
}

function service(queue: JobQueue, maxQueuedJobs: number): GenerationService {
  const models = {
    defaultModel: 'sd15',
    scan: async () => ({ models: [{ name: 'sd15', defaultSize: 512, traits: { family: 'sd1' as const, defaults: { sampler: 'euler', steps: 20, guidanceScale: 7 } } }], unusable: [] }),
  };
  const pictures = { getPicture: async () => null, getImageWithGeneration: async () => null };
  const requests = new GenerationRequests(models, pictures, { samplers: ['euler'], taesdAvailable: false });
  const images = { saveImage: async () => assert.fail('nothing runs'), readFile: async () => null };
  const finder = { find: async () => undefined };
  return new GenerationService(queue, images, new InProcessEventBus(), undefined, finder, requests, createLogger('silent'), {
    ...{ previewEvery: 0, previewMaxSize: 64, maxQueuedJobs },
  });
}

test('generate queues checked parameters and reports the position', async () => {
  const queue = new MemoryQueue();
  const accepted = await service(queue, 5).generate({ prompt: 'a red circle --steps 4' }, LOCAL_VIEWER);
  assert.deepEqual([accepted.position, accepted.job.steps, accepted.job.model, accepted.origin], [1, 4, 'sd15', { ownerId: 'local', visibility: 'PRIVATE', accountLimited: false }]);
  assert.equal((await service(queue, 5).generate({ prompt: 'again' }, LOCAL_VIEWER)).position, 2);
});

test('a full queue refuses the next job with its limit', async () => {
  const queue = new MemoryQueue();
  const generations = service(queue, 2);
  await generations.generate({ prompt: 'one' }, LOCAL_VIEWER);
  await generations.generate({ prompt: 'two' }, LOCAL_VIEWER);
  const error = await generations.generate({ prompt: 'three' }, LOCAL_VIEWER).catch((e: unknown) => e);
  assert.ok(error instanceof QueueFullError);
  assert.deepEqual([error.max, error.message], [2, 'the queue already holds 2 jobs; try again later']);
  assert.equal(queue.jobs.length, 2);
});

test('bad input is reported before a full queue', async () => {
  const queue = new MemoryQueue();
  const generations = service(queue, 0);
  const error = await generations.generate({ prompt: 'x', steps: 0 }, LOCAL_VIEWER).catch((e: unknown) => e);
  assert.ok(error instanceof GenerationRequestError && error.field === 'steps');
});
