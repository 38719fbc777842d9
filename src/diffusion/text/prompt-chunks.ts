/**
 * Long prompts as AUTOMATIC1111 handles them: tokens go into chunks of 75 (CLIP's 77 minus start and end), a
 * BREAK starts a new chunk, and a chunk that fills up within 20 tokens after a comma is cut after that comma
 * so phrases stay whole. Each chunk is encoded on its own and the UNet sees them side by side.
 */

export interface TokenChunk {
  ids: number[];
  weights: number[];
}

export interface ChunkableFragment {
  ids: number[];
  weight: number;
  isBreak?: boolean;
}

const COMMA_BACKTRACK = 20;

export function chunkTokens(fragments: ChunkableFragment[], chunkLength: number, commaId: number | undefined): TokenChunk[] {
  const chunks: TokenChunk[] = [];
  let chunk: TokenChunk = { ids: [], weights: [] };
  let lastComma = -1;
  const nextChunk = () => {
    chunks.push(chunk);
    chunk = { ids: [], weights: [] };
    lastComma = -1;
  };

  for (const fragment of fragments) {
    if (fragment.isBreak) {
      nextChunk();
      continue;
    }
    for (const id of fragment.ids) {
      if (id === commaId) lastComma = chunk.ids.length;
      else if (chunk.ids.length === chunkLength && lastComma !== -1 && chunk.ids.length - lastComma <= COMMA_BACKTRACK) {
        // Move the words after the last comma to the next chunk.
        const cut = lastComma + 1;
        const moved = { ids: chunk.ids.slice(cut), weights: chunk.weights.slice(cut) };
        chunk = { ids: chunk.ids.slice(0, cut), weights: chunk.weights.slice(0, cut) };
        nextChunk();
        chunk = moved;
      }
      if (chunk.ids.length === chunkLength) nextChunk();
      chunk.ids.push(id);
      chunk.weights.push(fragment.weight);
    }
  }
  if (chunk.ids.length > 0 || chunks.length === 0) nextChunk();
  return chunks;
}
