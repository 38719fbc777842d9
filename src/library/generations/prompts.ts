/** Prompt rows: one per distinct prompt text, counting its uses. */
import { createHash } from 'node:crypto';
import type { Prisma } from '../db/generated/client.js';

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

/** Finds or creates the prompt and counts one more use. Runs inside the caller's transaction. */
export async function recordPromptUse(tx: Prisma.TransactionClient, text: string): Promise<{ id: string }> {
  const normalized = normalizePrompt(text);
  const normalizedKey = promptKey(normalized);
  const now = new Date();
  return tx.prompt.upsert({
    where: { normalizedKey },
    create: { text: text.trim(), normalized, normalizedKey, useCount: 1, lastUsedAt: now },
    update: { useCount: { increment: 1 }, lastUsedAt: now },
    select: { id: true },
  });
}
