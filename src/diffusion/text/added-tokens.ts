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

/**
 * The embeddings `texts` name, as near as text can tell without the tokenizer: a name in any case, with no
 * letter or digit against either end (CLIP's tokens break there: "sunsets" is not "sunset"), the longest
 * name winning where several start at one place ("toy-sunset-v2" is not "toy-sunset"), as the encoder's
 * token matching has it (replaceAddedTokens). For what a generation reports about its embeddings.
 */
export function namedEmbeddings(texts: readonly string[], names: readonly string[]): Set<string> {
  const byLength = names.filter((n) => n !== '').sort((a, b) => b.length - a.length);
  const found = new Set<string>();
  for (const text of texts) {
    const lower = text.toLowerCase();
    for (let at = 0; at < lower.length; at++) {
      if (isWordCharacter(lower[at - 1])) continue;
      const name = byLength.find((n) => lower.startsWith(n.toLowerCase(), at) && !isWordCharacter(lower[at + n.length]));
      if (!name) continue;
      found.add(name);
      at += name.length - 1;
    }
  }
  return found;
}

function isWordCharacter(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}
