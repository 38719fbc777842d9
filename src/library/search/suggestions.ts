/**
 * Autocomplete for the prompt box, as people type: the word being typed is completed from the library's
 * vocabulary ("cyberp" -> cyberpunk, the most used completions first), the earlier words are matched as they
 * are or, misspelt, by the library words closest to them, and whole prompts holding all of it are suggested:
 * those starting with what was typed first, then the most used. A word of one or two letters is not completed
 * (every word starts with "s"): it only ranks the prompts with a word it begins first. The prompts are looked
 * for among the most used ones that match (SUGGESTION_CANDIDATES), through the use-count index, so a completion held by a tenth
 * of a million prompts costs a short index walk, not a sort of a hundred thousand rows. (The empty prompt
 * of an upscaled upload holds no word, so it is never suggested.)
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { withSearchSettings } from './page.js';
import { promptStatsJoin, scopedPromptSql, seesEveryonesUses, type Access } from '../access.js';
import { anyOfWords, closeWords, completions, matchableWords, startingWith, wordsOf } from './vocabulary.js';

/** Completions of the word being typed that suggestions may hold. */
const COMPLETIONS = 5;
/** Matching prompts, most used first, that the suggestions are chosen from. */
const SUGGESTION_CANDIDATES = 200;
/** A word being typed is completed from the vocabulary once it has this many letters (its words have 3+). */
const MIN_COMPLETED = 3;
/** Shorter than that, and nothing else typed: suggestions come from this many most used prompts (see below). */
const MOST_USED_SCAN = 10_000;

/** A suggested prompt; useCount and the dates are the viewer's (see promptStatsJoin in access.ts). */
export interface SuggestedPrompt {
  id: string;
  text: string;
  useCount: number;
  createdAt: Date;
  lastUsedAt: Date;
  /** 1 for a prompt starting with what was typed, 0 otherwise. */
  score: number;
}

export async function promptSuggestions(prisma: PrismaClient, prefix: string, first: number, access?: Access): Promise<SuggestedPrompt[]> {
  const typed = prefix.trim().replace(/\s+/g, ' ').toLowerCase();
  const words = wordsOf(typed);
  if (words.length === 0) return [];
  // The last word is still being typed unless the text ends after it ("cyberpunk " or "cyberpunk,").
  const typing = /[\p{L}\p{N}]$/u.test(prefix.trimStart()) ? words.at(-1)! : null;
  const finished = matchableWords(typing === null ? typed : words.slice(0, -1).join(' '));
  const [close, completed] = await Promise.all([closeWords(prisma, finished), typing === null || typing.length < MIN_COMPLETED ? null : completions(prisma, typing, COMPLETIONS)]);
  // Every finished word the library knows (or a word close to it) must be there; one it has nothing like is left out.
  const required = [...close.values()].filter((found) => found.length > 0).map((found) => anyOfWords(found.map(({ word }) => word)));
  if (completed !== null) {
    if (completed.length === 0) return [];
    required.push(anyOfWords(completed));
  }
  const scope = access ? scopedPromptSql(access) : Prisma.sql`TRUE`;
  const stats = promptStatsJoin(access?.viewer);
  const startsWith = startingWith(typed);
  // A word begun but too short to complete ("cyberpunk s") still ranks the prompts with a word it begins first.
  const begun = typing === null ? Prisma.sql`FALSE` : Prisma.sql`p."searchVector" @@ to_tsquery('simple', ${`${typing}:*`})`;
  const candidates =
    required.length > 0
      ? Prisma.sql`
          SELECT p.id, p.text, p.normalized, s."useCount", s."createdAt", s."lastUsedAt", ${begun} AS begun FROM "Prompt" p ${stats}
          WHERE p."searchVector" @@ (${Prisma.join(required.map((any) => Prisma.sql`(${any})`), ' && ')}) AND ${scope}
          ORDER BY s."useCount" DESC, p.id LIMIT ${SUGGESTION_CANDIDATES}`
      : // Nothing to look words up by ("a", "in th"): the most used prompts starting with the text. Where the
        // counts are everyone's, among the MOST_USED_SCAN most used (an index walk, however rare the start);
        // a user's own counts have no index, and other accounts' uses must not decide what they are shown.
        Prisma.sql`
          SELECT p.id, p.text, p.normalized, s."useCount", s."createdAt", s."lastUsedAt", TRUE AS begun
          FROM ${seesEveryonesUses(access?.viewer) ? Prisma.sql`(SELECT * FROM "Prompt" ORDER BY "useCount" DESC, id LIMIT ${MOST_USED_SCAN})` : Prisma.sql`"Prompt"`} p ${stats}
          WHERE p.normalized LIKE ${startsWith} AND p.text <> '' AND ${scope}
          ORDER BY s."useCount" DESC, p.id LIMIT ${first}`;
  const [suggested] = await withSearchSettings<[SuggestedPrompt[]]>(prisma, [], [
    Prisma.sql`
    SELECT c.id, c.text, c."useCount", c."createdAt", c."lastUsedAt", (c.normalized LIKE ${startsWith})::int::float8 AS score
    FROM (${candidates}) c
    ORDER BY (c.normalized LIKE ${startsWith}) DESC, c.begun DESC, c."useCount" DESC, c.id LIMIT ${first}`,
  ]);
  return suggested;
}
