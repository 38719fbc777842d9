/** A new job as one SQL statement: its prompt's use counted and its Generation row inserted, atomic, in one round trip. */
import { LOCAL_ACCOUNT_ID } from '../../accounts/viewer.js';
import type { CheckedParams, Job, JobOrigin } from '../../generation/job.js';
import { Prisma } from '../db/generated/client.js';
import { promptUseCtes } from '../generations/prompts.js';
import { COLUMN_SQL_TYPES, parameterColumns } from '../stored-parameters.js';
import { newRowId } from '../support/row-id.js';

/** Where the job's init image lives: a generated image's id, an upload's, or none. */
export interface InitSource {
  initImageId: string | null;
  initUploadId: string | null;
}

/**
 * The statement that queues `params`: what DatabaseJobQueue.enqueue did in an interactive transaction of
 * five round trips (held across event-loop turns, so under load transactions waited for a connection and
 * timed out). A statement is atomic by itself: the prompt's counts and the row commit together or not at all.
 */
export function enqueueStatement(params: CheckedParams, origin: JobOrigin, init: InitSource, now: Date): { sql: Prisma.Sql; id: string } {
  const id = newRowId();
  const ownerId = origin.ownerId ?? LOCAL_ACCOUNT_ID;
  const parameters = Object.entries(parameterColumns(params)) as [keyof typeof COLUMN_SQL_TYPES, unknown][];
  const columns: [string, Prisma.Sql][] = [
    ['id', Prisma.sql`${id}`],
    ['promptId', Prisma.sql`prompt."id"`],
    ...parameters.map(([name, value]): [string, Prisma.Sql] => [name, Prisma.sql`CAST(${value} AS ${Prisma.raw(COLUMN_SQL_TYPES[name])})`]),
    ['initImageId', Prisma.sql`${init.initImageId}`],
    ['initUploadId', Prisma.sql`${init.initUploadId}`],
    ['maskUploadId', Prisma.sql`${params.maskImageId}`],
    ['usedInitImage', Prisma.sql`${params.initImageId !== null}`],
    ['usedMask', Prisma.sql`${params.maskImageId !== null}`],
    ['remixOfImageId', Prisma.sql`${origin.remixOfImageId ?? null}`],
    ['ownerId', Prisma.sql`${ownerId}`],
    ['visibility', Prisma.sql`CAST(${origin.visibility ?? 'PRIVATE'} AS "Visibility")`],
    ['batchSize', Prisma.sql`CAST(${params.batchSize} AS integer)`],
    ['previewMethod', Prisma.sql`CAST(${params.previewMethod} AS "PreviewMethod")`],
    ['priority', Prisma.sql`CAST(${params.priority} AS integer)`],
    ['createdAt', Prisma.sql`${now}::timestamp(3)`],
  ];
  const sql = Prisma.sql`
    WITH ${promptUseCtes(params.prompt, ownerId, newRowId(), now)}
    INSERT INTO "Generation" (${Prisma.join(columns.map(([name]) => Prisma.raw(`"${name}"`)))})
    SELECT ${Prisma.join(columns.map(([, value]) => value))} FROM prompt
    RETURNING "id", "promptId", (SELECT "text" FROM prompt) AS "promptText"`;
  return { sql, id };
}

/** The job as enqueue returns it: what was asked, under the prompt's stored spelling (its first one). */
export function queuedJob(params: CheckedParams, origin: JobOrigin, row: { id: string; promptText: string }, now: Date): Job {
  const { initImageKind: _kind, ...stored } = params;
  return {
    ...stored,
    prompt: row.promptText,
    id: row.id,
    status: 'QUEUED',
    createdAt: now,
    ownerId: origin.ownerId ?? LOCAL_ACCOUNT_ID,
    visibility: origin.visibility ?? 'PRIVATE',
  };
}
