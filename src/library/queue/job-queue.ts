/** generation/'s JobQueue port on the Generation table. */
import { LOCAL_ACCOUNT_ID } from '../../accounts/viewer.js';
import type { AccountUsage, CheckedParams, ClaimedJob, HeartbeatResult, Job, JobOrigin, JobQueue, Lease } from '../../generation/job.js';
import type { PrismaClient } from '../db/generated/client.js';
import { findStoredPicture } from '../files/pictures.js';
import { recordPromptUse } from '../generations/prompts.js';
import { JOB_INCLUDE, toJob } from '../records.js';
import { parameterColumns } from '../stored-parameters.js';
import { claimOrder, type QueuedEntry } from './claim-order.js';
import { JobLeases, notifyJobsAvailable } from './job-leases.js';

/**
 * The job queue as rows of the Generation table: a job survives restarts because it is the row. Every
 * state change is conditional on the state it leaves, so racing calls (a cancel and a claim, say) cannot
 * both win. Claiming uses FOR UPDATE SKIP LOCKED so several servers can share one PostgreSQL, and gives
 * accounts turns (Account.lastServedAt) so that equal priorities are shared fairly between them. A claim
 * is a lease (the node and its attempt): every later write of that run is fenced by it (job-leases.ts).
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly leases: JobLeases;
  private readonly nodeId: string;
  private readonly notify: boolean;

  constructor(
    private readonly prisma: PrismaClient,
    /** Told after each enqueue (the prompt may be new): semantic search embeds new prompts then. */
    private readonly onPromptUsed?: (promptId: string) => void,
    /** nodeId: who claims (ATELIER_NODE_ID); notify: tell other nodes through NOTIFY (PostgreSQL). */
    options: { nodeId?: string; notify?: boolean } = {},
  ) {
    this.nodeId = options.nodeId ?? 'local';
    this.notify = options.notify ?? false;
    this.leases = new JobLeases(prisma, this.notify);
  }

  async enqueue(params: CheckedParams, origin: JobOrigin = {}): Promise<Job> {
    const row = await this.prisma.$transaction(async (tx) => {
      const prompt = await recordPromptUse(tx, params.prompt, origin.ownerId ?? LOCAL_ACCOUNT_ID);
      // An init image id names a generated image or an upload; each has its own column.
      const initId = params.initImageId;
      // The request check found its kind already; other callers leave it to be looked up.
      const fromUpload = initId !== null && (params.initImageKind ?? (await findStoredPicture(tx, initId))?.kind) === 'upload';
      const created = await tx.generation.create({
        data: {
          promptId: prompt.id,
          ...parameterColumns(params),
          initImageId: fromUpload ? null : initId,
          initUploadId: fromUpload ? initId : null,
          maskUploadId: params.maskImageId,
          usedInitImage: initId !== null,
          usedMask: params.maskImageId !== null,
          remixOfImageId: origin.remixOfImageId ?? null,
          // Undefined leaves the column defaults: the built-in account, PRIVATE.
          ownerId: origin.ownerId,
          visibility: origin.visibility,
          batchSize: params.batchSize,
          previewMethod: params.previewMethod,
          priority: params.priority,
        },
        include: JOB_INCLUDE,
      });
      if (this.notify) await notifyJobsAvailable(tx); // sent on commit: idle workers everywhere claim at once
      return created;
    });
    this.onPromptUsed?.(row.promptId);
    return toJob(row);
  }

  async claimNext(): Promise<ClaimedJob | null> {
    // Fair turns: among equal priorities, the account served longest ago (or never) goes next, and the same
    // statement marks it served, so every server sharing the database sees the turn at once. Only the job row
    // is locked while choosing; the account row is then updated (no key change, so enqueues are not blocked).
    // The claim also returns the paths of the init image's and mask's files, so running the job looks nothing
    // up again (and a text-to-image job pays no extra round trip for pictures it does not have).
    const claimed = await this.prisma.$queryRaw<{ id: string; attempts: number; cancelRequested: boolean; init_path: string | null; mask_path: string | null }[]>`
      WITH next AS (
        SELECT g."id", g."ownerId" FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId"
        WHERE g."status" = 'QUEUED' AND (g."notBefore" IS NULL OR g."notBefore" <= (now() AT TIME ZONE 'UTC'))
        ORDER BY g."priority" DESC, a."lastServedAt" ASC NULLS FIRST, g."queueOrder" ASC
        LIMIT 1 FOR UPDATE OF g SKIP LOCKED
      ), served AS (
        UPDATE "Account" SET "lastServedAt" = (clock_timestamp() AT TIME ZONE 'UTC') WHERE "id" = (SELECT "ownerId" FROM next)
      )
      UPDATE "Generation" SET "status" = 'RUNNING', "startedAt" = (now() AT TIME ZONE 'UTC'), "heartbeatAt" = (now() AT TIME ZONE 'UTC'),
        "attempts" = "attempts" + 1, "notBefore" = NULL, "claimedBy" = ${this.nodeId}
      WHERE "id" = (SELECT "id" FROM next)
      RETURNING "id", "attempts", "cancelRequested",
        COALESCE((SELECT "path" FROM "Image" WHERE "id" = "initImageId"), (SELECT "path" FROM "Upload" WHERE "id" = "initUploadId")) AS init_path,
        (SELECT "path" FROM "Upload" WHERE "id" = "maskUploadId") AS mask_path`;
    const first = claimed[0];
    if (!first) return null;
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

  retryLater(lease: Lease, message: string, notBefore: Date): Promise<boolean> {
    return this.leases.requeue(lease, { error: message, notBefore });
  }

  release(lease: Lease): Promise<boolean> {
    return this.leases.requeue(lease);
  }

  async cancelQueued(id: string): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({
      where: { id, status: 'QUEUED' },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    return count === 1;
  }

  requestCancel(id: string): Promise<boolean> {
    return this.leases.requestCancel(id);
  }

  markCancelled(lease: Lease): Promise<boolean> {
    return this.leases.settle(lease, { status: 'CANCELLED', finishedAt: new Date() });
  }

  async position(id: string): Promise<number | null> {
    const index = (await this.queuedIds()).indexOf(id);
    return index < 0 ? null : index + 1;
  }

  /**
   * Every QUEUED job in the order claimNext will hand them out (library/queue/claim-order.ts works it out),
   * then the jobs waiting out a back-off, soonest first: they are claimed only once their time has come.
   */
  async queuedIds(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<(QueuedEntry & { served: bigint | null; waitUntil: Date | null })[]>`
      SELECT g."id", g."ownerId", g."priority", g."queueOrder",
        (EXTRACT(EPOCH FROM a."lastServedAt") * 1000000)::bigint AS "served",
        CASE WHEN g."notBefore" > (now() AT TIME ZONE 'UTC') THEN g."notBefore" END AS "waitUntil"
      FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId"
      WHERE g."status" = 'QUEUED'`;
    const ready = rows.filter((row) => row.waitUntil === null);
    const waiting = rows.filter((row) => row.waitUntil !== null).sort((a, b) => a.waitUntil!.getTime() - b.waitUntil!.getTime());
    return [...claimOrder(ready, new Map(rows.map((row) => [row.ownerId, row.served]))), ...waiting.map((row) => row.id)];
  }

  heartbeat(leases: readonly Lease[]): Promise<HeartbeatResult> {
    return this.leases.heartbeat(leases);
  }

  requeueInterrupted(staleAfterMs = 0, claimedBy?: string): Promise<number> {
    return this.leases.requeueInterrupted(staleAfterMs, claimedBy);
  }
}
