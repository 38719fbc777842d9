/**
 * New jobs as one SQL statement: their prompts' uses counted and their Generation rows inserted, atomic, in
 * one round trip however many jobs it holds (the queue sends the jobs that arrive together as one batch).
 */
import { LOCAL_ACCOUNT_ID } from '../../accounts/viewer.js';
import type { CheckedParams, Job, JobOrigin } from '../../generation/job.js';
import { Prisma } from '../db/generated/client.js';
import { normalizePrompt, promptKey, promptUseCtes } from '../generations/prompts.js';
import type { QueuedRow } from './claim-order.js';
import { COLUMN_SQL_TYPES, parameterColumns } from '../stored-parameters.js';
import { newRowId } from '../support/row-id.js';

/** Where the job's init image lives: a generated image's id, an upload's, or none. */
export interface InitSource {
  initImageId: string | null;
  initUploadId: string | null;
}

/** One job of a batch, as the queue accepted it. */
export interface NewJob {
  /** The row's id, chosen before the statement runs: the rows it returns are matched by it. */
  id: string;
  params: CheckedParams;
  origin: JobOrigin;
  init: InitSource;
  now: Date;
}

/** What the statement returns for each job: its prompt, and what the claim order needs of it. */
export interface EnqueuedRow extends Omit<QueuedRow, 'waitUntil'> {
  promptId: string;
  promptText: string;
}

/**
 * The statement that queues `jobs`: what DatabaseJobQueue.enqueue once did in an interactive transaction of
 * five round trips per job (held across event-loop turns, so under load transactions waited for a connection
 * and timed out). A statement is atomic by itself: the prompts' counts and the rows commit together or not at
 * all. The rows are inserted in the batch's order, so queueOrder keeps the order the jobs were accepted in.
 */
export function enqueueStatement(jobs: readonly NewJob[]): Prisma.Sql {
  const uses = jobs.map(({ params, origin, now }) => ({ text: params.prompt, ownerId: ownerOf(origin), newId: newRowId(), at: now }));
  const rows = jobs.map((job, order) => jobColumns(job, order));
  const names = rows[0]!.map(([name]) => Prisma.raw(`"${name}"`));
  const values = rows.map((columns) => Prisma.sql`(${Prisma.join(columns.map(([, value]) => value))})`);
  const inserted = GENERATION_COLUMNS.map((name) => Prisma.raw(`j."${name}"`));
  return Prisma.sql`
    WITH ${promptUseCtes(uses)}
    INSERT INTO "Generation" ("promptId", ${Prisma.join(GENERATION_COLUMNS.map((name) => Prisma.raw(`"${name}"`)))})
    SELECT prompt."id", ${Prisma.join(inserted)}
    FROM (VALUES ${Prisma.join(values)}) AS j(${Prisma.join(names)}) JOIN prompt ON prompt."normalizedKey" = j."promptKey"
    ORDER BY j."batchOrder"
    RETURNING "id", "promptId", (SELECT p."text" FROM prompt AS p WHERE p."id" = "Generation"."promptId") AS "promptText",
      "ownerId", "priority", "queueOrder", "attempts", (SELECT (EXTRACT(EPOCH FROM a."lastServedAt") * 1000000)::bigint FROM "Account" AS a WHERE a."id" = "Generation"."ownerId") AS "served"`;
}

/** The Generation columns a new job's row sets itself (the rest keep their defaults); promptId comes from the join. */
const GENERATION_COLUMNS = [
  'id',
  ...(Object.keys(COLUMN_SQL_TYPES) as (keyof typeof COLUMN_SQL_TYPES)[]),
  'initImageId',
  'initUploadId',
  'maskUploadId',
  'usedInitImage',
  'usedMask',
  'remixOfImageId',
  'ownerId',
  'visibility',
  'batchSize',
  'previewMethod',
  'priority',
  'createdAt',
] as const;

type GenerationColumn = (typeof GENERATION_COLUMNS)[number];

/** One VALUES row: every value cast to its column's type (a VALUES list takes its types from what it holds). */
function jobColumns({ id, params, origin, init, now }: NewJob, order: number): [string, Prisma.Sql][] {
  const text = (value: string | null) => Prisma.sql`CAST(${value} AS text)`;
  const parameters = parameterColumns(params) as Record<keyof typeof COLUMN_SQL_TYPES, unknown>;
  const column: Record<GenerationColumn, Prisma.Sql> = {
    id: text(id),
    ...(Object.fromEntries(
      Object.entries(COLUMN_SQL_TYPES).map(([name, type]) => [name, Prisma.sql`CAST(${sqlValue(parameters[name as keyof typeof COLUMN_SQL_TYPES], type)} AS ${Prisma.raw(type)})`]),
    ) as Record<keyof typeof COLUMN_SQL_TYPES, Prisma.Sql>),
    initImageId: text(init.initImageId),
    initUploadId: text(init.initUploadId),
    maskUploadId: text(params.maskImageId),
    usedInitImage: Prisma.sql`CAST(${params.initImageId !== null} AS boolean)`,
    usedMask: Prisma.sql`CAST(${params.maskImageId !== null} AS boolean)`,
    remixOfImageId: text(origin.remixOfImageId ?? null),
    ownerId: text(ownerOf(origin)),
    visibility: Prisma.sql`CAST(${origin.visibility ?? 'PRIVATE'} AS "Visibility")`,
    batchSize: Prisma.sql`CAST(${params.batchSize} AS integer)`,
    previewMethod: Prisma.sql`CAST(${params.previewMethod} AS "PreviewMethod")`,
    priority: Prisma.sql`CAST(${params.priority} AS integer)`,
    createdAt: Prisma.sql`${now}::timestamp(3)`,
  };
  return [
    ['batchOrder', Prisma.sql`CAST(${order} AS integer)`],
    ['promptKey', text(promptKey(normalizePrompt(params.prompt)))],
    ...GENERATION_COLUMNS.map((name): [string, Prisma.Sql] => [name, column[name]]),
  ];
}

/** A JSON column's value goes as its text (a bound array would be a PostgreSQL array); null stays NULL. */
function sqlValue(value: unknown, type: string): unknown {
  return type === 'jsonb' && value !== null && value !== undefined ? JSON.stringify(value) : value;
}

function ownerOf(origin: JobOrigin): string {
  return origin.ownerId ?? LOCAL_ACCOUNT_ID;
}

/** The job as enqueue returns it: what was asked, under the prompt's stored spelling (its first one). */
export function queuedJob({ params, origin, now }: NewJob, row: EnqueuedRow): Job {
  const { initImageKind: _kind, ...stored } = params;
  return {
    ...stored,
    prompt: row.promptText,
    id: row.id,
    status: 'QUEUED',
    createdAt: now,
    ownerId: ownerOf(origin),
    visibility: origin.visibility ?? 'PRIVATE',
  };
}
