/**
 * The one cursor codec. A keyset cursor names the last row of a page by its sort key and id, so the next page
 * starts after it and rows added or removed meanwhile neither repeat nor skip a row (unlike offsets). On the
 * wire it is a base64url JSON pair, opaque to clients.
 */
export type CursorPart = number | string;

/** Reads one part of a decoded pair: the value, or undefined when it is not what this kind of cursor holds. */
export type PartReader<T> = (part: unknown) => T | undefined;

export function encodeCursor(key: CursorPart, id: CursorPart): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** Throws RangeError(`message`) for anything that is not a cursor of this kind that we issued. */
export function decodeCursor<K, I = string>(
  cursor: string,
  parts: { key: PartReader<K>; id?: PartReader<I>; message?: string },
): { key: K; id: I } {
  const readId = parts.id ?? (stringPart as unknown as PartReader<I>);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const key = parts.key(parsed[0]);
    const id = readId(parsed[1]);
    if (key !== undefined && id !== undefined) return { key, id };
  }
  throw new RangeError(parts.message ?? 'malformed cursor');
}

export function stringPart(part: unknown): string | undefined {
  return typeof part === 'string' ? part : undefined;
}

/** A finite number (a search's sort key). */
export function numberPart(part: unknown): number | undefined {
  return typeof part === 'number' && Number.isFinite(part) ? part : undefined;
}

/** A date, written as an ISO string (a listing's creation time). */
export function datePart(part: unknown): Date | undefined {
  if (typeof part !== 'string') return undefined;
  const date = new Date(part);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
