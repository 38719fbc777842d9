/** generation/'s JobQueue port on the Generation table. */
import type { AccountUsage, AdmissionCounts, CheckedParams, ClaimAffinity, ClaimedJob, HeartbeatResult, Job, JobOrigin, JobQueue, Lease, QueuedJobRef } from '../../generation/job.js';
import { isDatabaseUnreachable, refusedByDatabase } from '../db/connection-errors.js';
import type { PrismaClient } from '../db/generated/client.js';
import { findStoredPicture } from '../files/pictures.js';
import { JOB_INCLUDE, toJob } from '../records.js';
import { orderOfQueuedRows, type QueuedRow } from './claim-order.js';
import { claimStatement, type ClaimedRow } from './claim-statement.js';
import { ClaimOrderSnapshot } from './claim-order-snapshot.js';
import { enqueueStatement, queuedJob, type EnqueuedRow, type NewJob } from './enqueue-statement.js';
import { Batches } from '../support/batches.js';
import { newRowId } from '../support/row-id.js';
import { JobLeases, notifyJobsAvailable } from './job-leases.js';

export interface JobQueueOptions {
  /** Told after each enqueue (the prompt may be new): semantic search embeds new prompts then. */
  onPromptUsed?: (promptId: string) => void;
  /** How stale a queue position may be for changes other processes make (ClaimOrderSnapshot); 1 s when absent. */
  positionsMaxAgeMs?: number;
  /** Who claims (ATELIER_NODE_ID); 'local' when absent. */
  nodeId?: string;
  /** Tell other nodes through NOTIFY (PostgreSQL) when jobs become claimable and when a cancel is asked for. */
  notify?: boolean;
}

/** Jobs per enqueue statement at most: about 40 parameters each, far below PostgreSQL's 65,535. */
const MAX_ENQUEUE_BATCH = 100;

/** The least time between two reads of the claim order: what a change made here waits at most for its position. */
const CLAIM_ORDER_READ_SPACING_MS = 50;

/**
 * The job queue as rows of the Generation table: a job survives restarts because it is the row. Every
 * state change is conditional on the state it leaves, so racing calls (a cancel and a claim, say) cannot
 * both win. Claiming uses FOR UPDATE SKIP LOCKED so several servers can share one PostgreSQL, and gives
 * accounts turns (Account.lastServedAt) so that equal priorities are shared fairly between them; it may prefer
 * a job for what the idle workers have loaded, within a bound (claim-statement.ts). A claim
 * is a lease (the node and its attempt): every later write of that run is fenced by it (job-leases.ts).
 * Positions come from one snapshot of the claim order per process (ClaimOrderSnapshot), told of every change
 * made here.
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly claimOrder: ClaimOrderSnapshot<QueuedRow>;
  private readonly leases: JobLeases;
  private readonly nodeId: string;
  /** Jobs that arrive together are inserted by one statement (group commit). */
  private readonly enqueues: Batches<NewJob, Job>;
  /** The counts every submit checks, for the requests that arrive together, by one statement. */
  private readonly admissions: Batches<{ ownerId: string | null; since: Date }, AdmissionCounts>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: JobQueueOptions = {},
  ) {
    this.claimOrder = new ClaimOrderSnapshot({
      read: () => this.readQueuedRows(),
      order: orderOfQueuedRows,
      id: (row) => row.id,
      maxAgeMs: options.positionsMaxAgeMs ?? 1000,
      minIntervalMs: CLAIM_ORDER_READ_SPACING_MS,
    });
    this.nodeId = options.nodeId ?? 'local';
    this.leases = new JobLeases(prisma, options.notify ?? false);
    this.enqueues = new Batches((jobs) => this.enqueueBatch(jobs), {
      maxSize: MAX_ENQUEUE_BATCH,
      maxRunning: 1, // one statement at a time: its batch grows meanwhile
      retryAlone: refusedByDatabase,
    });
    this.admissions = new Batches((asks) => this.admissionBatch(asks), { maxSize: MAX_ENQUEUE_BATCH, maxRunning: 1 });
  }

  /** How many times this queue read the claim order from the database (tests: not once per position asked). */
  get claimOrderReads(): number {
    return this.claimOrder.reads;
  }

  async enqueue(params: CheckedParams, origin: JobOrigin = {}): Promise<Job> {
    // An init image id names a generated image or an upload; each has its own column. The request check
    // found its kind already; other callers leave it to be looked up.
    const initId = params.initImageId;
    const fromUpload = initId !== null && (params.initImageKind ?? (await findStoredPicture(this.prisma, initId))?.kind) === 'upload';
    const init = { initImageId: fromUpload ? null : initId, initUploadId: fromUpload ? initId : null };
    return this.enqueues.add({ id: newRowId(), params, origin, init, now: new Date() });
  }

  /** One statement for the jobs that arrived together; then one wake-up for every node's idle workers. */
  private async enqueueBatch(jobs: NewJob[]): Promise<Job[]> {
    const rows = await this.prisma.$queryRaw<EnqueuedRow[]>(enqueueStatement(jobs));
    const byId = new Map(rows.map((row) => [row.id, row]));
    // After the statement committed, so a woken worker finds the rows.
    if (this.options.notify) await notifyJobsAvailable(this.prisma);
    this.claimOrder.added(rows.map(({ promptId: _p, promptText: _t, ...queued }) => ({ ...queued, waitUntil: null })));
    const promptIds = new Set(rows.map((row) => row.promptId));
    for (const promptId of promptIds) this.options.onPromptUsed?.(promptId);
    return jobs.map((job) => queuedJob(job, byId.get(job.id)!));
  }

  async claimNext(affinity?: ClaimAffinity): Promise<ClaimedJob | null> {
    const claimed = await this.prisma.$queryRaw<ClaimedRow[]>(claimStatement(this.nodeId, affinity));
    const first = claimed[0];
    if (!first) return null;
    this.claimOrder.changed();
    const row = await this.prisma.generation.findUniqueOrThrow({ where: { id: first.id }, include: JOB_INCLUDE });
    const lease = { claimedBy: this.nodeId, attempts: Number(first.attempts), cancelRequested: first.cancelRequested };
    return { ...toJob(row), inputFiles: { init: first.init_path, mask: first.mask_path }, ...lease };
  }

  async usage(ownerId: string, since: Date): Promise<AccountUsage> {
    const [queued, recent] = await Promise.all([
      this.prisma.generation.count({ where: { ownerId, status: 'QUEUED' } }),
      // Imported pictures are stored COMPLETED without ever having started: they were never queued.
      this.prisma.generation.aggregate({
        where: { ownerId, createdAt: { gte: since }, NOT: { status: 'COMPLETED', startedAt: null } },
        _count: { _all: true },
        _min: { createdAt: true },
      }),
    ]);
    return { queued, recent: recent._count._all, oldestRecent: recent._min.createdAt };
  }

  admissionCounts(ownerId: string | null, since: Date): Promise<AdmissionCounts> {
    return this.admissions.add({ ownerId, since });
  }

  /**
   * One round trip for every count submit() checks, for all the requests that arrived together; each subquery
   * has its index (status; ownerId, status; ownerId, createdAt). Imported pictures are stored COMPLETED without
   * ever having started: never queued.
   */
  private async admissionBatch(asks: { ownerId: string | null; since: Date }[]): Promise<AdmissionCounts[]> {
    const rows = await this.prisma.$queryRaw<{ ask: number; queued: number; accountQueued: number; recent: number; oldestRecent: Date | null }[]>`
      WITH total AS (SELECT count(*)::int AS "queued" FROM "Generation" WHERE "status" = 'QUEUED')
      SELECT o."ask"::int AS "ask", total."queued",
        (SELECT count(*) FROM "Generation" WHERE "ownerId" = o."ownerId" AND "status" = 'QUEUED')::int AS "accountQueued",
        recent."count"::int AS "recent", recent."oldest" AS "oldestRecent"
      FROM unnest(${asks.map((_, i) => i)}::int[], ${asks.map((ask) => ask.ownerId)}::text[], ${asks.map((ask) => ask.since.toISOString())}::timestamp(3)[])
        AS o("ask", "ownerId", "since")
      CROSS JOIN total
      CROSS JOIN LATERAL (
        SELECT count(*) AS "count", min("createdAt") AS "oldest" FROM "Generation"
        WHERE "ownerId" = o."ownerId" AND "createdAt" >= o."since" AND NOT ("status" = 'COMPLETED' AND "startedAt" IS NULL)
      ) AS recent`;
    const byAsk = new Map(rows.map((row) => [Number(row.ask), row]));
    return asks.map(({ ownerId }, i) => {
      const { queued, accountQueued, recent, oldestRecent } = byAsk.get(i)!;
      return { queued, account: ownerId === null ? null : { queued: accountQueued, recent, oldestRecent } };
    });
  }

  countQueued(): Promise<number> {
    return this.prisma.generation.count({ where: { status: 'QUEUED' } });
  }

  complete(lease: Lease, warnings: string[] = []): Promise<boolean> {
    // A run before this one may have left a storage fault's message.
    return this.leases.settle(lease, { status: 'COMPLETED', finishedAt: new Date(), warnings, error: null });
  }

  fail(lease: Lease, message: string): Promise<boolean> {
    return this.leases.settle(lease, { status: 'FAILED', finishedAt: new Date(), error: message });
  }

  async retryLater(lease: Lease, message: string, notBefore: Date): Promise<boolean> {
    const requeued = await this.leases.requeue(lease, { error: message, notBefore });
    if (requeued) this.claimOrder.changed();
    return requeued;
  }

  async release(lease: Lease): Promise<boolean> {
    const requeued = await this.leases.requeue(lease);
    if (requeued) this.claimOrder.changed();
    return requeued;
  }

  async cancelQueued(id: string): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({
      where: { id, status: 'QUEUED' },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    if (count === 1) this.claimOrder.changed();
    return count === 1;
  }

  requestCancel(id: string): Promise<boolean> {
    return this.leases.requestCancel(id);
  }

  markCancelled(lease: Lease): Promise<boolean> {
    return this.leases.settle(lease, { status: 'CANCELLED', finishedAt: new Date() });
  }

  /** From the process's snapshot of the claim order: a lookup, however long the queue. */
  async position(id: string): Promise<number | null> {
    return (await this.claimOrder.current()).positions.get(id) ?? null;
  }

  async queuedJobs(): Promise<readonly QueuedJobRef[]> {
    return (await this.claimOrder.current()).jobs;
  }

  /** The ids of `queuedJobs`, for tools and tests. */
  async queuedIds(): Promise<readonly string[]> {
    return (await this.queuedJobs()).map((job) => job.id);
  }

  /** Every QUEUED job as the claim order needs it; the snapshot calls it, once per interval however many ask. */
  private async readQueuedRows(): Promise<QueuedRow[]> {
    return this.prisma.$queryRaw<QueuedRow[]>`
      SELECT g."id", g."ownerId", g."priority", g."queueOrder", g."attempts",
        (EXTRACT(EPOCH FROM a."lastServedAt") * 1000000)::bigint AS "served",
        CASE WHEN g."notBefore" > (now() AT TIME ZONE 'UTC') THEN g."notBefore" END AS "waitUntil"
      FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId"
      WHERE g."status" = 'QUEUED'`;
  }

  heartbeat(leases: readonly Lease[]): Promise<HeartbeatResult> {
    return this.leases.heartbeat(leases);
  }

  async requeueInterrupted(staleAfterMs = 0, claimedBy?: string): Promise<number> {
    const count = await this.leases.requeueInterrupted(staleAfterMs, claimedBy);
    if (count > 0) this.claimOrder.changed();
    return count;
  }

  isUnreachable(error: unknown): boolean {
    return isDatabaseUnreachable(error);
  }
}
