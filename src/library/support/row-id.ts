/** Ids for rows written in SQL, shaped as Prisma's cuid() ids are (25 characters, lowercase letters and digits). */
import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * `c`, then the time in milliseconds, a per-process counter and 12 random base-36 digits: increasing with
 * time within a process, as cuids are, and unique across processes without coordination.
 */
export function newRowId(): string {
  counter = (counter + 1) % 36 ** 4;
  const random = [...randomBytes(12)].map((byte) => (byte % 36).toString(36)).join('');
  return `c${Date.now().toString(36).padStart(8, '0')}${counter.toString(36).padStart(4, '0')}${random}`;
}
