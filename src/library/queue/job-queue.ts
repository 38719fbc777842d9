/** generation/'s JobQueue port on the Generation table. */
import type { CheckedParams, ClaimedJob, Job, JobOrigin, JobQueue } from '../../generation/job.js';
import type { PrismaClient } from '../db/generated/client.js';
import { findStoredPicture } from '../files/pictures.js';
import { recordPromptUse } from '../generations/prompts.js';
import { JOB_INCLUDE, toJob } from '../records.js';
import { parameterColumns } from '../stored-parameters.js';

/**
 * The job queue as rows of the Generation table: a job survives restarts because it is the row. Every
 * state change is conditional on the state it leaves, so racing calls (a cancel and a claim, say) cannot
 * both win. Claiming uses FOR UPDATE SKIP LOCKED so several servers can share one PostgreSQL.
 */
export class DatabaseJobQueue implements JobQueue {
  constructor(
    private readonly prisma: PrismaClient,
    /** Told after each enqueue (the prompt may be new): semantic search embeds new prompts then. */
    private readonly onPromptUsed?: (promptId: string) => void,
  ) {}

  async enqueue(params: CheckedParams, origin: JobOrigin = {}): Promise<Job> {
    const row = await this.prisma.$transaction(async (tx) => {
      const prompt = await recordPromptUse(tx, params.prompt);
      // An init image id names a generated image or an upload; each has its own column.
      const initId = params.initImageId;
      // The request check found its kind already; other callers leave it to be looked up.
      const fromUpload = initId !== null && (params.initImageKind ?? (await findStoredPicture(tx, initId))?.kind) === 'upload';
      return tx.generation.create({
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
    });
    this.onPromptUsed?.(row.promptId);
    return toJob(row);
  }

  async claimNext(): Promise<ClaimedJob | null> {
    // The claim also returns the paths of the init image's and mask's files, so running the job looks nothing
    // up again (and a text-to-image job pays no extra round trip for pictures it does not have).
    const claimed = await this.prisma.$queryRaw<{ id: string; init_path: string | null; mask_path: string | null }[]>`
      UPDATE "Generation" SET "status" = 'RUNNING', "startedAt" = (now() AT TIME ZONE 'UTC'), "heartbeatAt" = (now() AT TIME ZONE 'UTC')
      WHERE "id" = (
        SELECT "id" FROM "Generation" WHERE "status" = 'QUEUED'
        ORDER BY "priority" DESC, "queueOrder" ASC
        LIMIT 1 FOR UPDATE SKIP LOCKED
      )
      RETURNING "id",
        COALESCE((SELECT "path" FROM "Image" WHERE "id" = "initImageId"), (SELECT "path" FROM "Upload" WHERE "id" = "initUploadId")) AS init_path,
        (SELECT "path" FROM "Upload" WHERE "id" = "maskUploadId") AS mask_path`;
    const first = claimed[0];
    if (!first) return null;
    const row = await this.prisma.generation.findUniqueOrThrow({ where: { id: first.id }, include: JOB_INCLUDE });
    return { ...toJob(row), inputFiles: { init: first.init_path, mask: first.mask_path } };
  }

  countQueued(): Promise<number> {
    return this.prisma.generation.count({ where: { status: 'QUEUED' } });
  }

  async complete(id: string, warnings: string[] = []): Promise<void> {
    await this.prisma.generation.updateMany({
      where: { id, status: 'RUNNING' },
      data: { status: 'COMPLETED', finishedAt: new Date(), warnings },
    });
  }

  async fail(id: string, message: string): Promise<void> {
    await this.prisma.generation.updateMany({
      where: { id, status: 'RUNNING' },
      data: { status: 'FAILED', finishedAt: new Date(), error: message },
    });
  }

  async cancelQueued(id: string): Promise<boolean> {
    const { count } = await this.prisma.generation.updateMany({
      where: { id, status: 'QUEUED' },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    return count === 1;
  }

  async markCancelled(id: string): Promise<void> {
    await this.prisma.generation.updateMany({
      where: { id, status: 'RUNNING' },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
  }

  async position(id: string): Promise<number | null> {
    const rows = await this.prisma.$queryRaw<{ ahead: bigint }[]>`
      SELECT count(*) AS "ahead"
      FROM "Generation" AS other, "Generation" AS me
      WHERE me."id" = ${id} AND me."status" = 'QUEUED' AND other."status" = 'QUEUED'
        AND (other."priority" > me."priority" OR (other."priority" = me."priority" AND other."queueOrder" <= me."queueOrder"))`;
    const ahead = Number(rows[0]?.ahead ?? 0);
    return ahead > 0 ? ahead : null; // a queued job counts itself, so 0 means "not queued"
  }

  async queuedIds(): Promise<string[]> {
    const rows = await this.prisma.generation.findMany({
      where: { status: 'QUEUED' },
      orderBy: [{ priority: 'desc' }, { queueOrder: 'asc' }],
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  async heartbeat(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.generation.updateMany({ where: { id: { in: [...ids] }, status: 'RUNNING' }, data: { heartbeatAt: new Date() } });
  }

  async requeueInterrupted(staleAfterMs = 0): Promise<number> {
    const staleBefore = new Date(Date.now() - staleAfterMs);
    const { count } = await this.prisma.generation.updateMany({
      where: { status: 'RUNNING', ...(staleAfterMs > 0 ? { OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] } : {}) },
      data: { status: 'QUEUED', startedAt: null, heartbeatAt: null },
    });
    return count;
  }
}
