/** Prompt rows: one per distinct prompt text, counting its uses, all together and per account (PromptUse). */
import { createHash } from 'node:crypto';
import { Prisma } from '../db/generated/client.js';

/**
 * The deduplication key of a prompt: the same words with different spacing or capitals are one prompt in
 * the library (its first spelling is kept for display).
 */
export function normalizePrompt(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The unique key of a normalized prompt: its SHA-256 in hex, as the database's trigger computes it (a long
 * prompt does not fit a B-tree entry itself). Written on create too, so Prisma's upsert stays one statement.
 */
export function promptKey(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/**
 * Finds or creates the prompt and counts one more use, in the prompt's total and in the owner's own count
 * (what a user is shown, see library/access.ts). Runs inside the caller's transaction.
 */
export async function recordPromptUse(tx: Prisma.TransactionClient, text: string, ownerId: string): Promise<{ id: string }> {
  const normalized = normalizePrompt(text);
  const normalizedKey = promptKey(normalized);
  const now = new Date();
  const prompt = await tx.prompt.upsert({
    where: { normalizedKey },
    create: { text: text.trim(), normalized, normalizedKey, useCount: 1, createdAt: now, lastUsedAt: now },
    update: { useCount: { increment: 1 }, lastUsedAt: now },
    select: { id: true },
  });
  await tx.promptUse.upsert({
    where: { promptId_ownerId: { promptId: prompt.id, ownerId } },
    create: { promptId: prompt.id, ownerId, useCount: 1, createdAt: now, lastUsedAt: now },
    update: { useCount: { increment: 1 }, lastUsedAt: now },
  });
  return prompt;
}

/**
 * recordPromptUse as SQL, for a statement that also writes the row using the prompt (one round trip, atomic
 * by itself): two common table expressions, `prompt` (its `id` and stored `text`) and `prompt_use`, to follow
 * a WITH. `newId` becomes the prompt's id if the text is new.
 */
export function promptUseCtes(text: string, ownerId: string, newId: string, now: Date): Prisma.Sql {
  const normalized = normalizePrompt(text);
  return Prisma.sql`
    prompt AS (
      INSERT INTO "Prompt" ("id", "text", "normalized", "normalizedKey", "useCount", "createdAt", "lastUsedAt")
      VALUES (${newId}, ${text.trim()}, ${normalized}, ${promptKey(normalized)}, 1, ${now}::timestamp(3), ${now}::timestamp(3))
      ON CONFLICT ("normalizedKey") DO UPDATE SET "useCount" = "Prompt"."useCount" + 1, "lastUsedAt" = EXCLUDED."lastUsedAt"
      RETURNING "id", "text"
    ), prompt_use AS (
      INSERT INTO "PromptUse" ("promptId", "ownerId", "useCount", "createdAt", "lastUsedAt")
      SELECT "id", ${ownerId}, 1, ${now}::timestamp(3), ${now}::timestamp(3) FROM prompt
      ON CONFLICT ("promptId", "ownerId") DO UPDATE SET "useCount" = "PromptUse"."useCount" + 1, "lastUsedAt" = EXCLUDED."lastUsedAt"
    )`;
}

/** One use fewer (its generation was deleted), in the total and in the owner's count; the dates stay. */
export async function forgetPromptUse(tx: Prisma.TransactionClient, promptId: string, ownerId: string): Promise<void> {
  await tx.prompt.update({ where: { id: promptId }, data: { useCount: { decrement: 1 } } });
  await tx.promptUse.updateMany({ where: { promptId, ownerId, useCount: { gt: 0 } }, data: { useCount: { decrement: 1 } } });
}

/** The prompt came into the owner's library without a use (a CSV preset): their count starts at 0 then. */
export async function notePromptInLibrary(tx: Prisma.TransactionClient, promptId: string, ownerId: string): Promise<void> {
  await tx.promptUse.createMany({ data: [{ promptId, ownerId, useCount: 0 }], skipDuplicates: true });
}
