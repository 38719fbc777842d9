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

/** A text part; never one with a NUL character, which the database's text cannot hold (we issue none). */
export function stringPart(part: unknown): string | undefined {
  return typeof part === 'string' && !part.includes('\0') ? part : undefined;
}

/** A finite number (a search's sort key). */
export function numberPart(part: unknown): number | undefined {
  return typeof part === 'number' && Number.isFinite(part) ? part : undefined;
}

/** Dates a cursor may hold: years 1 to 9999, inside what PostgreSQL's timestamps hold (JavaScript's reach further). */
const DATE_RANGE = { min: Date.parse('0001-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') };

/** A date, written as an ISO string (a listing's creation time). */
export function datePart(part: unknown): Date | undefined {
  if (typeof part !== 'string') return undefined;
  const date = new Date(part);
  const time = date.getTime();
  return Number.isNaN(time) || time < DATE_RANGE.min || time > DATE_RANGE.max ? undefined : date;
}
