/**
 * Keyset cursors for search results: the last row's sort key and id. The next page starts after it, so
 * rows added or removed meanwhile neither repeat nor skip a row (unlike offsets).
 */
export function encodeCursor(key: number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** Throws RangeError for anything that is not a cursor of ours. */
export function decodeCursor(cursor: string): { key: number; id: string } {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof key === 'number' && Number.isFinite(key) && typeof id === 'string') return { key, id };
  } catch {
    // fall through
  }
  throw new RangeError('malformed search cursor');
}
