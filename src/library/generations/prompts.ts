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

/** One prompt used once by one account, for promptUseCtes. */
export interface PromptUse {
  text: string;
  ownerId: string;
  /** The prompt's id if its text is new. */
  newId: string;
  at: Date;
}

/**
 * recordPromptUse as SQL for many uses at once, for a statement that also writes the rows using the prompts
 * (one round trip, atomic by itself): two common table expressions to follow a WITH, `prompt` (`id`, stored
 * `text` and `normalizedKey` of every prompt used) and `prompt_use`. Uses of one prompt are counted together:
 * one INSERT ... ON CONFLICT may not touch a row twice.
 */
export function promptUseCtes(uses: readonly PromptUse[]): Prisma.Sql {
  const prompts = new Map<string, { use: PromptUse; normalized: string; count: number; at: Date }>();
  const owners = new Map<string, { key: string; ownerId: string; count: number; at: Date }>();
  for (const use of uses) {
    const normalized = normalizePrompt(use.text);
    const key = promptKey(normalized);
    const prompt = prompts.get(key) ?? { use, normalized, count: 0, at: use.at };
    prompts.set(key, { ...prompt, count: prompt.count + 1, at: later(prompt.at, use.at) });
    const ownerKey = `${key}/${use.ownerId}`;
    const owner = owners.get(ownerKey) ?? { key, ownerId: use.ownerId, count: 0, at: use.at };
    owners.set(ownerKey, { ...owner, count: owner.count + 1, at: later(owner.at, use.at) });
  }
  const promptRows = [...prompts].map(
    ([key, { use, normalized, count, at }]) =>
      Prisma.sql`(CAST(${use.newId} AS text), CAST(${use.text.trim()} AS text), CAST(${normalized} AS text), CAST(${key} AS text), CAST(${count} AS integer), ${at}::timestamp(3))`,
  );
  const ownerRows = [...owners.values()].map(({ key, ownerId, count, at }) => Prisma.sql`(CAST(${key} AS text), CAST(${ownerId} AS text), CAST(${count} AS integer), ${at}::timestamp(3))`);
  return Prisma.sql`
    prompt AS (
      INSERT INTO "Prompt" ("id", "text", "normalized", "normalizedKey", "useCount", "createdAt", "lastUsedAt")
      SELECT n."id", n."text", n."normalized", n."key", n."uses", n."at", n."at" FROM (VALUES ${Prisma.join(promptRows)}) AS n("id", "text", "normalized", "key", "uses", "at")
      ON CONFLICT ("normalizedKey") DO UPDATE SET "useCount" = "Prompt"."useCount" + EXCLUDED."useCount", "lastUsedAt" = EXCLUDED."lastUsedAt"
      RETURNING "id", "text", "normalizedKey"
    ), prompt_use AS (
      INSERT INTO "PromptUse" ("promptId", "ownerId", "useCount", "createdAt", "lastUsedAt")
      SELECT prompt."id", u."ownerId", u."uses", u."at", u."at" FROM (VALUES ${Prisma.join(ownerRows)}) AS u("key", "ownerId", "uses", "at")
      JOIN prompt ON prompt."normalizedKey" = u."key"
      ON CONFLICT ("promptId", "ownerId") DO UPDATE SET "useCount" = "PromptUse"."useCount" + EXCLUDED."useCount", "lastUsedAt" = EXCLUDED."lastUsedAt"
    )`;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
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
