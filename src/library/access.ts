/**
 * Who may see what, as database conditions: the rules of accounts/viewer.ts (owner or admin changes; public
 * work is readable by all; search scopes) written as Prisma filters and SQL on a generation `g` or prompt `p`.
 * Images belong to their generation's owner; tags and favorites to the image's.
 */
import { isAdmin, type SearchScope, type Viewer } from '../accounts/viewer.js';
import { Prisma } from './db/generated/client.js';

/** A viewer and the part of the library a search looks at. */
export interface Access {
  viewer: Viewer;
  scope: SearchScope;
}

/** Generations the viewer may change (and list as theirs): their own, or every one for an admin. */
export function ownedGenerations(viewer: Viewer): Prisma.GenerationWhereInput {
  return ownedRows(viewer);
}

/** Generations the viewer may read: their own and public ones (every one for an admin). */
export function readableGenerations(viewer: Viewer): Prisma.GenerationWhereInput {
  return isAdmin(viewer) ? {} : { OR: [{ ownerId: viewer.accountId }, { visibility: 'PUBLIC' }] };
}

/** Uploads, collections and presets, which are never public: the owner's, or every one for an admin. */
export function ownedRows(viewer: Viewer): { ownerId?: string } {
  return isAdmin(viewer) ? {} : { ownerId: viewer.accountId };
}

/** SQL: generation `g` may be changed by the viewer. */
export function ownedGenerationSql(viewer: Viewer): Prisma.Sql {
  return isAdmin(viewer) ? Prisma.sql`TRUE` : Prisma.sql`g."ownerId" = ${viewer.accountId}`;
}

/** SQL: generation `g` is in the access's scope. */
export function scopedGenerationSql({ viewer, scope }: Access): Prisma.Sql {
  if (scope === 'PUBLIC') return Prisma.sql`g.visibility = 'PUBLIC'`;
  if (isAdmin(viewer)) return Prisma.sql`TRUE`;
  const own = Prisma.sql`g."ownerId" = ${viewer.accountId}`;
  return scope === 'MINE' ? own : Prisma.sql`(${own} OR g.visibility = 'PUBLIC')`;
}

/**
 * SQL: prompt `p` is in the access's scope: one of its generations is, or (for MINE and ALL) a preset the
 * viewer imported. Prompt rows are shared text; this is what keeps one account's prompts out of another's
 * search and suggestions. An admin's MINE and ALL are the whole library, prompts without generations included.
 */
export function scopedPromptSql(access: Access): Prisma.Sql {
  if (access.scope !== 'PUBLIC' && isAdmin(access.viewer)) return Prisma.sql`TRUE`;
  const generations = Prisma.sql`EXISTS (SELECT 1 FROM "Generation" g WHERE g."promptId" = p.id AND ${scopedGenerationSql(access)})`;
  if (access.scope === 'PUBLIC') return generations;
  return Prisma.sql`(${generations} OR EXISTS (SELECT 1 FROM "PromptPreset" pp WHERE pp."promptId" = p.id AND pp."ownerId" = ${access.viewer.accountId}))`;
}

/** Whether the viewer is shown every account's uses (an admin, or a tool with no viewer): `s` is then `p`'s own. */
export function seesEveryonesUses(viewer: Viewer | undefined): boolean {
  return !viewer || isAdmin(viewer);
}

/**
 * SQL: joins `s` ("useCount", "createdAt", "lastUsedAt") to prompt `p`: the numbers the viewer is shown, and
 * the ones MOST_USED, NEWEST, the created* filters and suggestions rank by. An admin (and tools, with no
 * viewer) sees every account's uses: the prompt's own columns. A user sees only their own uses, in every scope
 * and every field, so a shared prompt row never tells them whether, how often or when another account used
 * the same text. A gallery prompt they never used has a count of 0 and the dates of its public generations.
 */
export function promptStatsJoin(viewer: Viewer | undefined): Prisma.Sql {
  if (!viewer || seesEveryonesUses(viewer)) return Prisma.sql`CROSS JOIN LATERAL (SELECT p."useCount", p."createdAt", p."lastUsedAt") s`;
  return Prisma.sql`CROSS JOIN LATERAL (
    SELECT COALESCE(own."useCount", 0) AS "useCount",
           COALESCE(own."createdAt", gallery.first, 'epoch'::timestamp) AS "createdAt",
           COALESCE(own."lastUsedAt", gallery.last, 'epoch'::timestamp) AS "lastUsedAt"
    FROM (SELECT 1) one
    LEFT JOIN "PromptUse" own ON own."promptId" = p.id AND own."ownerId" = ${viewer.accountId}
    LEFT JOIN LATERAL (
      SELECT min(pg."createdAt") AS first, max(pg."createdAt") AS last FROM "Generation" pg
      WHERE own."promptId" IS NULL AND pg."promptId" = p.id AND pg.visibility = 'PUBLIC'
    ) gallery ON TRUE
  ) s`;
}
