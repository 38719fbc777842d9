/**
 * The vocabulary behind typo search and autocomplete (SearchWord, kept by triggers on Prompt), on PGlite and
 * PostgreSQL: every word of 3+ letters with how many prompts hold it, following inserts, text edits and
 * deletes; and the prompt box's completion of the word being typed from it.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Database } from '../../src/library/index.js';
import { Prisma } from '../../src/library/db/generated/client.js';
import { normalizePrompt } from '../../src/library/generations/prompts.js';
import { completions, matchableWords, rarestWords } from '../../src/library/search/vocabulary.js';
import { rankedLists } from '../../src/library/search/candidates.js';
import { PromptSearch } from '../../src/library/search/prompt-search.js';
import { suiteBackend } from './pg-test-database.js';

const PROMPTS = [
  { text: 'a cyberpunk city at night, neon lights', uses: 5 },
  { text: 'cyberpunk samurai portrait, neon glow', uses: 2 },
  { text: 'a cyberpunk alley in the rain', uses: 9 },
  { text: 'cybernetic owl, studio light', uses: 1 },
  { text: 'portrait of an old fisherman at night', uses: 7 },
];

for (const backend of ['PGlite', 'PostgreSQL'] as const) {
  describe(`the search vocabulary on ${backend}`, () => {
    let prisma: Database['prisma'];
    const it = suiteBackend(backend, {
      opened: (db) => {
        prisma = db.prisma;
      },
      reset: async () => {
        await prisma.prompt.deleteMany();
        for (const { text, uses } of PROMPTS) await prisma.prompt.create({ data: { text, normalized: normalizePrompt(text), useCount: uses } });
      },
    });
    const counts = async (...words: string[]) => {
      const rows = await prisma.searchWord.findMany({ where: { word: { in: words } } });
      return Object.fromEntries(words.map((word) => [word, rows.find((row) => row.word === word)?.prompts ?? 0]));
    };

    it('counts the prompts holding each word, through inserts, edits and deletes', async () => {
      assert.deepEqual(await counts('cyberpunk', 'neon', 'night', 'samurai', 'cybernetic', 'the'), { cyberpunk: 3, neon: 2, night: 2, samurai: 1, cybernetic: 1, the: 1 });
      // Two words shorter than 3 letters are not words of the vocabulary.
      assert.deepEqual(await counts('a', 'of', 'an'), { a: 0, of: 0, an: 0 });
      // A use changes nothing; an edited text moves its words.
      await prisma.prompt.updateMany({ data: { useCount: { increment: 1 } } });
      assert.deepEqual(await counts('cyberpunk', 'neon'), { cyberpunk: 3, neon: 2 });
      const samurai = await prisma.prompt.findFirstOrThrow({ where: { text: { contains: 'samurai' } } });
      await prisma.prompt.update({ where: { id: samurai.id }, data: { text: 'cyberpunk ronin portrait, neon glow' } });
      assert.deepEqual(await counts('samurai', 'ronin', 'cyberpunk'), { samurai: 0, ronin: 1, cyberpunk: 3 });
      // A deleted prompt's words count one fewer; a word no prompt holds leaves the vocabulary.
      await prisma.prompt.deleteMany({ where: { text: { contains: 'owl' } } });
      assert.deepEqual(await counts('cybernetic', 'studio', 'light'), { cybernetic: 0, studio: 0, light: 0 });
      assert.equal(await prisma.searchWord.count({ where: { word: { in: ['cybernetic', 'owl', 'samurai'] } } }), 0);
    });

    it('completes a word being typed, most used first, and a misspelt one by trigrams', async () => {
      assert.deepEqual(await completions(prisma, 'cyber', 5), ['cyberpunk', 'cybernetic']);
      assert.deepEqual(await completions(prisma, 'fisherm', 5), ['fisherman']);
      // No word starts with "fishrman": the closest words instead.
      assert.deepEqual(await completions(prisma, 'fishrman', 5), ['fisherman']);
      assert.deepEqual(await completions(prisma, '100%_', 5), []);
      // A query of hundreds of made-up words is matched by its first 40 only (each costs a trigram lookup).
      const junk = Array.from({ length: 250 }, (_, i) => `w${i}x`).join(' ');
      assert.deepEqual(matchableWords(junk), Array.from({ length: 40 }, (_, i) => `w${i}x`));
      // Stopwords are no completions: full text would drop them.
      assert.equal((await completions(prisma, 'th', 5)).includes('the'), false);
    });

    it('a search for all of several words asks the index for the rarest ones and still matches exactly the prompts with all', async () => {
      // cyberpunk is in 3 prompts, neon and night in 2, city in 1: the rarest two, ties in word order.
      assert.deepEqual(await rarestWords(prisma, 'cyberpunk neon city night', ['cyberpunk', 'neon', 'city', 'night'], 2), { words: ['city', 'neon'], exact: false });
      // A stopword or a word that is not one of the query's lexemes is never chosen.
      assert.deepEqual(await rarestWords(prisma, 'the cyberpunk', ['the', 'cyberpunk', 'owl'], 2), { words: ['cyberpunk'], exact: true });
      // Exact only when all of the words is all of the query: not for a phrase, an "or", or a word full text splits.
      assert.deepEqual(await rarestWords(prisma, 'cyberpunk neon', ['cyberpunk', 'neon'], 2), { words: ['neon', 'cyberpunk'], exact: true });
      assert.equal((await rarestWords(prisma, '"neon lights"', ['neon', 'lights'], 2)).exact, false);
      assert.equal((await rarestWords(prisma, 'neon or city', ['neon', 'city'], 2)).exact, false);
      assert.equal((await rarestWords(prisma, 'sci-fi city', ['sci', 'city'], 2)).exact, false);
      assert.equal((await rarestWords(prisma, 'neon neon city', ['neon', 'city'], 2)).exact, false);
      const search = new PromptSearch(prisma);
      const texts = async (text: string) => (await search.search({ text, mode: 'WORDS' }, 20)).items.map(({ hit }) => hit.text).sort();
      assert.deepEqual(await texts('cyberpunk neon lights night'), ['a cyberpunk city at night, neon lights']);
      // The common words are checked on what the rare ones find: a prompt with "cyberpunk" and "night" but no "neon" is left out.
      await prisma.prompt.create({ data: { text: 'cyberpunk street at night, lights', normalized: 'cyberpunk street at night, lights' } });
      assert.deepEqual(await texts('cyberpunk neon lights night'), ['a cyberpunk city at night, neon lights']);
      // Other forms count as the word ("cities" finds "city"), as in every full-text search.
      assert.deepEqual(await texts('cyberpunk neon cities night'), ['a cyberpunk city at night, neon lights']);
      // Whatever the query, the hits are what PostgreSQL's full text matches with the whole query ("or" included).
      for (const text of ['cyberpunk neon or samurai rain', 'cyberpunk "neon lights" night', 'portrait neon glow -samurai', 'cyberpunk night lights']) {
        const exact = await prisma.$queryRaw<Array<{ text: string }>>`SELECT text FROM "Prompt" WHERE "searchVector" @@ websearch_to_tsquery('english', ${text}) ORDER BY text`;
        assert.deepEqual(await texts(text), exact.map((row) => row.text), text);
      }
      // Two words as two index conditions and nothing left to check (exact): the full-text list holds exactly the
      // prompts with both; not exact (a phrase), the whole query is checked on what they find.
      const scope = { from: Prisma.sql`"Prompt" p CROSS JOIN LATERAL (SELECT p."useCount", p."createdAt", p."lastUsedAt") s`, where: [], sort: 'RELEVANCE' as const };
      for (const text of ['cyberpunk night', '"neon lights" cyberpunk']) {
        const indexed = await rarestWords(prisma, text, matchableWords(text), 2);
        assert.equal(indexed.words.length, 2, text);
        const lists = rankedLists('WORDS', text, text, { wordMatches: new Map(), semantic: null, indexed });
        const listed = await prisma.$queryRaw<Array<{ text: string }>>`SELECT p.text FROM (${lists.ranked(scope)}) c JOIN "Prompt" p ON p.id = c.id ORDER BY p.text`;
        const exact = await prisma.$queryRaw<Array<{ text: string }>>`SELECT text FROM "Prompt" WHERE "searchVector" @@ websearch_to_tsquery('english', ${text}) ORDER BY text`;
        assert.ok(exact.length > 0, text);
        assert.deepEqual(listed, exact, text);
      }
    });

    it('suggests whole prompts holding the completed words: those starting with the text first, then the most used', async () => {
      const search = new PromptSearch(prisma);
      const texts = async (typed: string) => (await search.suggestions(typed, 10)).map((hit) => hit.text);
      // "cyberp" starts none of the words' prompts but one: that one first, then the others most used first.
      assert.deepEqual(await texts('cyberp'), ['cyberpunk samurai portrait, neon glow', 'a cyberpunk alley in the rain', 'a cyberpunk city at night, neon lights']);
      // The finished words narrow; the word being typed is completed (neon lig -> lights).
      assert.deepEqual(await texts('cyberpunk neon lig'), ['a cyberpunk city at night, neon lights']);
      // One letter is not completed, only ranks first the prompts with a word it begins.
      assert.deepEqual(await texts('cyberpunk neon g'), ['cyberpunk samurai portrait, neon glow', 'a cyberpunk city at night, neon lights']);
      // Nothing to complete ("a"): the most used prompts starting with it.
      assert.deepEqual(await texts('a'), ['a cyberpunk alley in the rain', 'a cyberpunk city at night, neon lights']);
      // A typo in a finished word is forgiven; so is one in the word being typed.
      assert.deepEqual(await texts('cyberpnk samurai, neon g'), ['cyberpunk samurai portrait, neon glow']);
      assert.deepEqual(await texts('portrait of an old fishrman'), ['portrait of an old fisherman at night']);
      // A finished last word is not completed: "night " asks for night itself.
      assert.deepEqual(await texts('cyberpunk night '), ['a cyberpunk city at night, neon lights']);
      assert.deepEqual(await texts('zzzz'), []);
    });
  });
}
