/** Checks shared by the library's resolvers: page sizes, text lengths, tag names. */
import { badInput } from './errors.js';

export const MAX_PAGE_SIZE = 100;
export const MAX_QUERY_LENGTH = 1000;
export const MAX_TAG_LENGTH = 64;
/** Ids or tags one call may name. */
export const MAX_BATCH = 500;

export function checkPageSize(first: number, field = 'first'): void {
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput(field, `${field} must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, { min: 1, max: MAX_PAGE_SIZE });
}

export function checkLength(field: string, value: string | null | undefined, max: number): void {
  if (value != null && value.length > max) throw badInput(field, `${field} is longer than ${max} characters`, { max });
}

export function checkBatch(field: string, values: readonly unknown[], min = 1): void {
  if (values.length < min || values.length > MAX_BATCH) {
    throw badInput(field, `${field} must hold between ${min} and ${MAX_BATCH} entries, got ${values.length}`, { min, max: MAX_BATCH });
  }
}

/** Tag names: 1..64 characters once trimmed, no commas (frontends list tags comma-separated). */
export function checkTagNames(field: string, names: readonly string[]): void {
  checkBatch(field, names);
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > MAX_TAG_LENGTH || trimmed.includes(',')) {
      throw badInput(field, `tag "${name}" must have 1 to ${MAX_TAG_LENGTH} characters and no comma`, { min: 1, max: MAX_TAG_LENGTH });
    }
  }
}
