/**
 * Tokens added to a CLIP vocabulary by textual-inversion embeddings. As AUTOMATIC1111 does, an embedding is
 * found in a prompt by the token sequence its name tokenizes to (so case and spacing follow CLIP's own
 * rules), and each occurrence is replaced by the ids of its n vectors.
 */

export interface AddedTokens {
  /** Each embedding's name and the ids that now stand for it (rows appended to the token table). */
  words: { name: string; ids: number[] }[];
  /**
   * The end token's new id, when the encoder pools at the largest id (ArgMax over input_ids, as exports of
   * CLIP with the legacy eos_token_id have it): the end token is moved past the added ids to stay largest.
   */
  endTokenId?: number;
}

/** A name's token sequence and what it becomes. */
export interface TokenReplacement {
  match: number[];
  ids: number[];
}

/** `ids` with every occurrence of a replacement's sequence swapped for its ids; longer names win. */
export function replaceAddedTokens(ids: readonly number[], replacements: readonly TokenReplacement[]): number[] {
  if (replacements.length === 0) return [...ids];
  const ordered = [...replacements].filter((r) => r.match.length > 0).sort((a, b) => b.match.length - a.match.length);
  const out: number[] = [];
  for (let i = 0; i < ids.length; ) {
    const hit = ordered.find((r) => r.match.every((id, k) => ids[i + k] === id));
    if (hit) {
      out.push(...hit.ids);
      i += hit.match.length;
    } else {
      out.push(ids[i]!);
      i++;
    }
  }
  return out;
}
