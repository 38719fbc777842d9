/** Prompt rows: one per distinct prompt text, counting its uses. */
import type { Prisma } from '../db/generated/client.js';

/**
 * The deduplication key of a prompt: the same words with different spacing or capitals are one prompt in
 * the library (its first spelling is kept for display).
 */
export function normalizePrompt(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Finds or creates the prompt and counts one more use. Runs inside the caller's transaction. */
export async function recordPromptUse(tx: Prisma.TransactionClient, text: string): Promise<{ id: string }> {
  const normalized = normalizePrompt(text);
  const now = new Date();
  return tx.prompt.upsert({
    where: { normalized },
    create: { text: text.trim(), normalized, useCount: 1, lastUsedAt: now },
    update: { useCount: { increment: 1 }, lastUsedAt: now },
    select: { id: true },
  });
}
