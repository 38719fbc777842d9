import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PromptEmbedder } from '../../src/diffusion/index.js';
import { ImageSearch, PromptMatcher, PromptSearch, SemanticIndex, type Database, type LibraryQuery } from '../../src/library/index.js';
import { normalizePrompt } from '../../src/library/generations/prompts.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';
import { openBackend } from './pg-test-database.js';

/**
 * Semantic search with a real CLIP text encoder (the bundled toy-shapes model's, trained on a world of shapes
 * where "big" and "large", "center" and "middle", "bottom" and "lower" mean the same), on PGlite (pgvector and
 * its HNSW index), on PostgreSQL (pgvector where installed: CI installs it) and on PostgreSQL for a user who
 * cannot create the extension (the exact cosine scan in SQL): the neighbours are known because the synonyms are.
 */
const PROMPTS = [
  'a large red circle in the middle',
  'a small blue square in the upper left corner',
  'a little green triangle lower right',
  'a big yellow square on a black background',
  'a tiny purple circle at the top',
  'a large orange triangle on a white background',
  'a small green triangle at the bottom right',
];

let embedder: PromptEmbedder;
before(async () => {
  embedder = await PromptEmbedder.load(TOY_MODEL_DIR);
});
after(async () => embedder?.dispose());

for (const backend of ['PGlite', 'PostgreSQL', 'PostgreSQL without pgvector'] as const) {
  describe(`semantic search on ${backend}`, () => {
    let db: Database | undefined;
    let backendClose: (() => Promise<void>) | undefined;
    let index: SemanticIndex;
    let prompts: PromptSearch;
    let images: ImageSearch;
    const ids = new Map<string, string>();

    before(async () => {
      const opened = await openBackend(backend);
      if (!opened) return;
      ({ db, close: backendClose } = opened);
      for (const [i, text] of PROMPTS.entries()) {
        const prompt = await db.prisma.prompt.create({ data: { text, normalized: normalizePrompt(text), useCount: 1 } });
        const generation = await db.prisma.generation.create({
          data: { promptId: prompt.id, model: i % 2 ? 'a' : 'b', sampler: 'euler', steps: 4, guidanceScale: 7, width: 64, height: 64, seed: i, batchSize: 1, status: 'COMPLETED' },
        });
        await db.prisma.image.create({ data: { generationId: generation.id, index: 0, seed: i, width: 64, height: 64, sha256: `sha${i}`, path: `p${i}.png` } });
        ids.set(text, prompt.id);
      }
      index = new SemanticIndex(db.prisma, { encoder: 'toy-shapes', dimensions: embedder.dimensions, embed: (texts) => embedder.embed(texts) });
      await index.open();
      await index.catchUp();
      const matcher = new PromptMatcher(db.prisma, index);
      prompts = new PromptSearch(db.prisma, matcher);
      images = new ImageSearch(db.prisma, matcher);
    });
    after(async () => {
      await backendClose?.();
    });

    const skipUnlessReady = (t: { skip(message: string): void }) => {
      if (!db) t.skip('PostgreSQL is not reachable at ATELIER_TEST_PG_URL or 127.0.0.1:5432');
      return !db;
    };
    const texts = async (query: LibraryQuery) => (await prompts.search(query, 20)).items.map((i) => i.hit.text);

    test('every prompt is embedded, with pgvector where the database has it', async (t) => {
      if (skipUnlessReady(t)) return;
      assert.equal(await db!.prisma.promptEmbedding.count({ where: { encoder: 'toy-shapes', dimensions: embedder.dimensions } }), PROMPTS.length);
      const [row] = await db!.prisma.$queryRaw<Array<{ installed: boolean }>>`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS installed`;
      if (backend === 'PostgreSQL without pgvector') assert.equal(index.usesPgvector, false, 'a user without superuser rights cannot create the extension');
      else assert.equal(index.usesPgvector, row!.installed);
      if (backend === 'PGlite') assert.ok(index.usesPgvector, 'PGlite ships pgvector');
      // CI installs pgvector (.ci/run); a machine without it still tests the exact path, on both PostgreSQL backends.
      if (backend === 'PostgreSQL' && process.env.CI) assert.ok(index.usesPgvector, 'CI runs PostgreSQL with pgvector');
    });

    test('a query finds the prompt that says the same with other words; full text does not', async (t) => {
      if (skipUnlessReady(t)) return;
      assert.deepEqual(await texts({ text: 'big circle in the center', mode: 'WORDS' }), [], 'no prompt has "big" with "circle" and "center"');
      const semantic = await prompts.search({ text: 'big red circle in the center', mode: 'SEMANTIC' }, 3);
      assert.equal(semantic.items[0]!.hit.text, 'a large red circle in the middle');
      assert.ok(semantic.items[0]!.hit.score! > 0.95, `cosine similarity ${semantic.items[0]!.hit.score}`);
      assert.deepEqual(
        new Set((await texts({ text: 'tiny green triangle at the bottom', mode: 'SEMANTIC' })).slice(0, 2)),
        new Set(['a little green triangle lower right', 'a small green triangle at the bottom right']),
      );
      // The default, hybrid, puts the meaning match first too (and keeps word matches) where pgvector serves
      // it; without pgvector it stays with words (an exact scan per search would be too slow).
      const text = 'big red circle in the center';
      const hybrid = await texts({ text });
      if (index.usesPgvector) assert.equal(hybrid[0], 'a large red circle in the middle');
      else assert.deepEqual(new Set(hybrid), new Set([...(await texts({ text, mode: 'WORDS' })), ...(await texts({ text, mode: 'FUZZY' }))]));
    });

    test('exclusions apply to meaning matches too, and filters narrow them', async (t) => {
      if (skipUnlessReady(t)) return;
      const found = await texts({ text: 'circle -red', mode: 'SEMANTIC' });
      assert.ok(found.length > 0 && found.every((text) => !text.includes('red')), JSON.stringify(found));
      assert.ok(found.includes('a tiny purple circle at the top'));
      const inModelA = await texts({ text: 'circle', mode: 'SEMANTIC', model: 'a' });
      assert.deepEqual(new Set(inModelA), new Set(PROMPTS.filter((_, i) => i % 2 === 1)));
    });

    test('similar prompts and similar images: nearest in meaning first, the original left out', async (t) => {
      if (skipUnlessReady(t)) return;
      const similar = await prompts.similar(ids.get('a little green triangle lower right')!, {}, 20);
      assert.equal(similar!.items[0]!.hit.text, 'a small green triangle at the bottom right');
      assert.ok(!similar!.items.some((i) => i.hit.id === ids.get('a little green triangle lower right')));
      assert.equal(similar!.totalCount, PROMPTS.length - 1);
      const image = await db!.prisma.image.findFirstOrThrow({ where: { generation: { promptId: ids.get('a little green triangle lower right')! } } });
      const near = await images.similar(image.id, {}, 2);
      assert.equal(near!.items[0]!.hit.promptId, ids.get('a small green triangle at the bottom right'));
      assert.ok(!near!.items.some((i) => i.hit.id === image.id));
      assert.equal(await prompts.similar('no-such-prompt', {}, 5), null);
      assert.equal(await images.similar('no-such-image', {}, 5), null);
    });

    test('pages of meaning matches follow each other without repeats', async (t) => {
      if (skipUnlessReady(t)) return;
      const everything = await texts({ text: 'a square', mode: 'SEMANTIC' });
      assert.equal(everything.length, PROMPTS.length);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await prompts.search({ text: 'a square', mode: 'SEMANTIC' }, 4, cursor);
        paged.push(...page.items.map((i) => i.hit.text));
        cursor = page.hasNextPage ? page.endCursor! : undefined;
      } while (cursor);
      assert.deepEqual(paged, everything);
    });

    test('a prompt stored later is embedded by the next catch-up', async (t) => {
      if (skipUnlessReady(t)) return;
      const text = 'a big green square in the middle';
      await db!.prisma.prompt.create({ data: { text, normalized: normalizePrompt(text), useCount: 1 } });
      index.schedule();
      await index.settled();
      assert.equal((await texts({ text: 'large green square in the center', mode: 'SEMANTIC' }))[0], text);
    });
  });
}
