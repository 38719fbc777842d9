/**
 * Autocomplete for the prompt box, as people type: whole prompts holding the earlier words and a word starting
 * with the one being typed are suggested, those starting with what was typed first, then the most used. The
 * word being typed is completed from the library's vocabulary ("cyberp" -> cyberpunk, the most used completions
 * first, or the closest words for a typo); the earlier words are looked for as typed first, and only when that
 * finds nothing do misspelt ones stand for the library words closest to them (one statement fewer as people
 * type correctly). A word of one or two letters is not completed
 * (every word starts with "s"): it only ranks the prompts with a word it begins first. The prompts are looked
 * for among the most used ones that match (SUGGESTION_CANDIDATES), through the use-count index, so a completion held by a tenth
 * of a million prompts costs a short index walk, not a sort of a hundred thousand rows. (The empty prompt
 * of an upscaled upload holds no word, so it is never suggested.)
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';
import { withSearchSettings } from './page.js';
import { promptStatsJoin, scopedPromptSql, seesEveryonesUses, type Access } from '../access.js';
import { allIndexed, anyOfWords, closeWords, completions, matchableWords, startingWith, wordsOf } from './vocabulary.js';

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
  const completing = typing !== null && typing.length >= MIN_COMPLETED;
  const finished = matchableWords(typing === null ? typed : words.slice(0, -1).join(' '));
  const request: SuggestionRequest = { typed, typing, first, access };
  // One word being typed: the prompts with a word starting with it, in one statement (its start is a constant,
  // so the planner knows how common it is). Nothing (a typo): its closest words, below.
  if (finished.length === 0 && completing) {
    const found = await suggest(prisma, [startOfWord(typing)], request);
    if (found.length > 0) return found;
  }
  // After earlier words, the word being typed stands for its most used completions: asked for first, and the
  // prompts' index given them as words (a start of a word would be a scan of every word with it).
  const completed = completing ? await completions(prisma, typing, COMPLETIONS) : null;
  if (completed?.length === 0) return [];
  const completion = completed ? [anyOfWords(completed)] : [];
  // The finished words as typed; when that finds nothing (a typo, a word no prompt holds), what they stand for.
  if (finished.length > 0) {
    const found = await suggest(prisma, [...finished.map((word) => Prisma.sql`plainto_tsquery('english', ${word})`), ...completion], request);
    if (found.length > 0) return found;
  }
  const close = await closeWords(prisma, finished);
  // Every finished word the library knows (or a word close to it) must be there; one it has nothing like is left out.
  const required = [...close.values()].filter((found) => found.length > 0).map((found) => anyOfWords(found.map(({ word }) => word)));
  return suggest(prisma, [...required, ...completion], request);
}

interface SuggestionRequest {
  typed: string;
  /** The word being typed; null when the text ends after its last word. */
  typing: string | null;
  first: number;
  access: Access | undefined;
}

/** A tsquery matching the words that start with `partial` (as full text stores them, stemmed; unstemmed `simple`). */
function startOfWord(partial: string): Prisma.Sql {
  return Prisma.sql`to_tsquery('simple', ${`${partial}:*`})`;
}

/** The suggestions among the prompts matching every one of `required` (the most used first), or by their start. */
async function suggest(prisma: PrismaClient, required: Prisma.Sql[], { typed, typing, first, access }: SuggestionRequest): Promise<SuggestedPrompt[]> {
  const scope = access ? scopedPromptSql(access) : Prisma.sql`TRUE`;
  const stats = promptStatsJoin(access?.viewer);
  const startsWith = startingWith(typed);
  // A word begun but too short to complete ("cyberpunk s") still ranks the prompts with a word it begins first.
  const begun = typing === null ? Prisma.sql`FALSE` : Prisma.sql`p."searchVector" @@ ${startOfWord(typing)}`;
  const candidates =
    required.length > 0
      ? Prisma.sql`
          SELECT p.id, p.text, p.normalized, s."useCount", s."createdAt", s."lastUsedAt", ${begun} AS begun FROM "Prompt" p ${stats}
          WHERE ${allIndexed(required)} AND ${scope}
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
