/** What text the database can store: no NUL character (PostgreSQL text cannot hold one), no lone UTF-16 surrogate. */

/** A NUL character, or half of a surrogate pair without its other half (not text; drivers mangle it). */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
