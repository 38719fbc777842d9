/**
 * The statement that claims the next QUEUED job, in one round trip. Its order is the fair one (claim-order.ts
 * mirrors it for queue positions): highest priority; among equal priorities the account served longest ago
 * (or never) takes its turn, with its oldest job; that account is marked served in the same statement, so every
 * server sharing the database sees the turn at once.
 *
 * With an affinity (what the idle workers keep loaded), the job that order picks may be passed over for the
 * first job, in the same order and of the same priority, whose model and LoRA set a worker has loaded: it then
 * costs no load. Only while the passed-over job is young: one queued longer than `maxWaitMs` is never passed
 * over, so affinity delays no job by more than that bound. Queue positions keep the plain order.
 */
import type { ClaimAffinity } from '../../generation/job.js';
import { loadedSetOf } from '../../generation/loaded-sets.js';
import { Prisma } from '../db/generated/client.js';

/** What the claim returns: the job, its lease, and the paths of its init image's and mask's files. */
export interface ClaimedRow {
  id: string;
  attempts: number;
  cancelRequested: boolean;
  init_path: string | null;
  mask_path: string | null;
}

const CLAIMABLE = Prisma.sql`g."status" = 'QUEUED' AND (g."notBefore" IS NULL OR g."notBefore" <= (now() AT TIME ZONE 'UTC'))`;
const FAIR_ORDER = Prisma.sql`g."priority" DESC, a."lastServedAt" ASC NULLS FIRST, g."queueOrder" ASC`;

export function claimStatement(nodeId: string, affinity?: ClaimAffinity): Prisma.Sql {
  const next = affinity && affinity.loaded.length > 0 && affinity.maxWaitMs > 0 ? withAffinity(affinity) : fairHead();
  // Only the job row is locked while choosing; the account row is then updated (no key change, so enqueues are
  // not blocked). The claim also returns the paths of the init image's and mask's files, so running the job
  // looks nothing up again (and a text-to-image job pays no extra round trip for pictures it does not have).
  return Prisma.sql`
    WITH ${next}, served AS (
      UPDATE "Account" SET "lastServedAt" = (clock_timestamp() AT TIME ZONE 'UTC') WHERE "id" = (SELECT "ownerId" FROM next)
    )
    UPDATE "Generation" SET "status" = 'RUNNING', "startedAt" = (now() AT TIME ZONE 'UTC'), "heartbeatAt" = (now() AT TIME ZONE 'UTC'),
      "attempts" = "attempts" + 1, "notBefore" = NULL, "claimedBy" = ${nodeId}
    WHERE "id" = (SELECT "id" FROM next)
    RETURNING "id", "attempts", "cancelRequested",
      COALESCE((SELECT "path" FROM "Image" WHERE "id" = "initImageId"), (SELECT "path" FROM "Upload" WHERE "id" = "initUploadId")) AS init_path,
      (SELECT "path" FROM "Upload" WHERE "id" = "maskUploadId") AS mask_path`;
}

function fairHead(): Prisma.Sql {
  return Prisma.sql`next AS (
    SELECT g."id", g."ownerId" FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId"
    WHERE ${CLAIMABLE}
    ORDER BY ${FAIR_ORDER}
    LIMIT 1 FOR UPDATE OF g SKIP LOCKED
  )`;
}

function withAffinity({ loaded, maxWaitMs }: ClaimAffinity): Prisma.Sql {
  const sets = JSON.stringify(loaded.map((set) => loadedSetOf(set.model, set.loras)));
  // A job's LoRA set as the workers report theirs: name and weight of those not at weight 0. Two sets are the
  // same when each contains the other (jsonb compares the weights as numbers; names are unique in a job).
  const matches = Prisma.sql`EXISTS (
    SELECT 1 FROM jsonb_array_elements(${sets}::jsonb) AS l("set"), LATERAL (
      SELECT COALESCE(jsonb_agg(jsonb_build_object('name', e->'name', 'weight', e->'weight')), '[]'::jsonb) AS "active"
      FROM jsonb_array_elements(COALESCE(g."loras", '[]'::jsonb)) AS e WHERE (e->>'weight')::float8 <> 0
    ) AS j
    WHERE l."set"->>'model' = g."model" AND (l."set"->'loras') @> j."active" AND j."active" @> (l."set"->'loras')
  )`;
  return Prisma.sql`head AS (
    SELECT g."id", g."ownerId", g."priority",
      g."createdAt" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${maxWaitMs / 1000}::float8) AS "overdue", ${matches} AS "loaded"
    FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId"
    WHERE ${CLAIMABLE}
    ORDER BY ${FAIR_ORDER}
    LIMIT 1 FOR UPDATE OF g SKIP LOCKED
  ), instead AS (
    SELECT g."id", g."ownerId" FROM "Generation" AS g JOIN "Account" AS a ON a."id" = g."ownerId", head AS h
    WHERE ${CLAIMABLE} AND NOT h."overdue" AND NOT h."loaded" AND g."priority" = h."priority" AND g."id" <> h."id" AND ${matches}
    ORDER BY ${FAIR_ORDER}
    LIMIT 1 FOR UPDATE OF g SKIP LOCKED
  ), next AS (
    SELECT "id", "ownerId" FROM instead
    UNION ALL
    SELECT "id", "ownerId" FROM head WHERE NOT EXISTS (SELECT 1 FROM instead)
  )`;
}
