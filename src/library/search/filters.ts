/**
 * The filters prompt and image search share (one GraphQL input for both). Image and generation properties
 * (size, seed, model, sampler, LoRA, favorites, tags, collections) narrow images directly; a prompt passes when one of its
 * images (or generations) does.
 */
import { Prisma } from '../db/generated/client.js';
import { normalizeTag } from '../curation/labels.js';
import { seedToDecimalString } from '../stored-parameters.js';
import { ownedGenerationSql, scopedGenerationSql, scopedPromptSql, type Access } from '../access.js';

export interface LibraryFilters {
  /**
   * Whose work to look at (see access.ts). Absent: the whole library, as tools and library tests see it; the
   * API always sets it.
   */
  access?: Access;
  model?: string;
  sampler?: string;
  /** Made with this LoRA (by name, at any weight). */
  lora?: string;
  width?: number;
  height?: number;
  seed?: bigint;
  /** Prompts: first used in this range; images: made in it. */
  createdAfter?: Date;
  createdBefore?: Date;
  /** Images carrying every one of these tags (compared as stored: trimmed, lower-case). */
  tags?: string[];
  favoritesOnly?: boolean;
  /** Images the safety checker flagged (true) or did not (false). */
  nsfw?: boolean;
  collectionId?: string;
}

/** Conditions on a generation `g`. */
function generationConditions(filters: LibraryFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = filters.access ? [scopedGenerationSql(filters.access)] : [];
  if (filters.model !== undefined) conditions.push(Prisma.sql`g.model = ${filters.model}`);
  if (filters.sampler !== undefined) conditions.push(Prisma.sql`g.sampler = ${filters.sampler}`);
  if (filters.lora !== undefined) conditions.push(Prisma.sql`g.loras @> jsonb_build_array(jsonb_build_object('name', ${filters.lora}::text))`);
  return conditions;
}

/** Conditions on an image `i` itself (not its time). */
function imageConditions(filters: LibraryFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.width !== undefined) conditions.push(Prisma.sql`i.width = ${filters.width}`);
  if (filters.height !== undefined) conditions.push(Prisma.sql`i.height = ${filters.height}`);
  if (filters.seed !== undefined) conditions.push(Prisma.sql`i.seed = ${seedToDecimalString(filters.seed)}::numeric`);
  if (filters.favoritesOnly) conditions.push(Prisma.sql`i."favoritedAt" IS NOT NULL`);
  if (filters.nsfw !== undefined) conditions.push(Prisma.sql`i.nsfw = ${filters.nsfw}`);
  const tags = [...new Set((filters.tags ?? []).map(normalizeTag))];
  // Tags, favorites and collections are their owner's: filtering by them only finds the viewer's own images.
  const labelled = filters.favoritesOnly || tags.length > 0 || filters.collectionId !== undefined;
  if (labelled && filters.access) conditions.push(ownedGenerationSql(filters.access.viewer));
  if (tags.length > 0) {
    conditions.push(Prisma.sql`(
      SELECT count(*) FROM "ImageTag" it JOIN "Tag" t ON t.id = it."tagId"
      WHERE it."imageId" = i.id AND t.name = ANY(${tags}::text[])) = ${tags.length}`);
  }
  if (filters.collectionId !== undefined) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "CollectionItem" ci WHERE ci."imageId" = i.id AND ci."collectionId" = ${filters.collectionId})`);
  }
  return conditions;
}

/**
 * A prompt that is one to list: an upscaled upload's generation has the empty prompt, a row the library keeps
 * but not a prompt. (A word match never finds it, its search vector being empty: the candidates of a text
 * search need not test it, which keeps their index-only scans free of the table, see candidates.ts.)
 */
export const LISTABLE_PROMPT = Prisma.sql`p.text <> ''`;

/** WHERE conditions on a prompt `p` with the viewer's statistics `s` joined (promptStatsJoin). */
export function promptFilters(filters: LibraryFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  const onGeneration = generationConditions(filters);
  const onImage = imageConditions(filters);
  // The scope alone does not call for the generation EXISTS: a prompt may be in scope through a preset.
  const narrowed = onImage.length > 0 || onGeneration.length > (filters.access ? 1 : 0);
  if (!narrowed) {
    // nothing but the scope, applied below
  } else if (onImage.length > 0) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "Generation" g JOIN "Image" i ON i."generationId" = g.id
      WHERE g."promptId" = p.id AND ${Prisma.join([...onGeneration, ...onImage], ' AND ')})`);
  } else if (onGeneration.length > 0) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "Generation" g WHERE g."promptId" = p.id AND ${Prisma.join(onGeneration, ' AND ')})`);
  }
  // The viewer's own first use (`s`, see promptStatsJoin in access.ts), not when any account first used it.
  if (filters.createdAfter) conditions.push(Prisma.sql`s."createdAt" >= ${filters.createdAfter}`);
  if (filters.createdBefore) conditions.push(Prisma.sql`s."createdAt" < ${filters.createdBefore}`);
  if (filters.access) conditions.push(scopedPromptSql(filters.access));
  return conditions;
}

/** WHERE conditions on an image `i` of generation `g`. */
export function imageFilters(filters: LibraryFilters): Prisma.Sql[] {
  const conditions = [...generationConditions(filters), ...imageConditions(filters)];
  if (filters.createdAfter) conditions.push(Prisma.sql`i."createdAt" >= ${filters.createdAfter}`);
  if (filters.createdBefore) conditions.push(Prisma.sql`i."createdAt" < ${filters.createdBefore}`);
  return conditions;
}

export function allOf(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length > 0 ? Prisma.join(conditions, ' AND ') : Prisma.sql`TRUE`;
}
