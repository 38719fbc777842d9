/**
 * npm run bench:library — prompt search latency over GraphQL HTTP on a large library.
 *
 * Loads BENCH_PROMPTS prompts (default 100,000, at most 1,152,000; each with one generation) into the server's
 * own database (embedded PGlite, or PostgreSQL with DATABASE_URL) and embeds them with the bundled toy-shapes
 * text encoder (BENCH_SEMANTIC=0 skips that and the semantic case), then times `searchPrompts` for a word, a
 * phrase, a typo, an unfinished word (prefix), a meaning (semantic) and the hybrid default, BENCH_QUERIES
 * times each (p50, p95, p99), next to a naive baseline over the same rows measured in the same run,
 * interleaved: an `ILIKE '%word%'` scan (page of 20 plus the total count, as the search returns), and for
 * the semantic case the exact scan, every embedding's cosine similarity computed (what runs without pgvector).
 * Prints a table and one JSON line.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { fileURLToPath } from 'node:url';
import { PromptEmbedder } from '../src/diffusion/index.js';
import { SemanticIndex } from '../src/library/index.js';
import { createLogger } from '../src/logger.js';
import { BUNDLED_MODEL_NAME, startServer } from '../src/server.js';
import { printBenchRecord } from './bench-record.js';

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50);
const SEMANTIC = process.env.BENCH_SEMANTIC !== '0';
const MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

// 40 x 30 x 20 x 12 x 4 = 1,152,000 distinct prompts. FRAMES starts with nothing, so the first 288,000
// prompts are the same whatever the size of the run.
const SUBJECTS = words(
  'lighthouse fox samurai robot castle dragon astronaut fisherman village forest wolf owl city garden temple ship train cat knight witch mountain river desert violin bicycle clocktower mermaid tiger whale lantern bridge market orchard monk pilot dancer giant beetle falcon harbor',
);
const PLACES = words(
  'at_dusk in_the_rain under_the_stars on_a_cliff in_the_snow at_night in_autumn by_the_sea in_a_storm at_dawn in_the_fog on_mars underwater in_a_cave in_the_jungle on_a_rooftop in_a_library at_noon in_winter in_spring on_a_glacier in_a_canyon near_a_volcano in_a_meadow at_a_festival in_a_ruin on_the_moon in_a_swamp on_an_island in_the_clouds',
);
const STYLES = words(
  'oil_painting watercolor cyberpunk ukiyo-e art_nouveau pixel_art charcoal_sketch studio_photo cinematic_still low_poly baroque impressionist neon_lights vaporwave gouache steampunk film_noir pastel isometric_render mosaic',
);
const DETAILS = words('highly_detailed soft_light dramatic_sky volumetric_fog golden_hour sharp_focus wide_angle bokeh muted_colors vivid_colors rim_light long_exposure');
const FRAMES = ['', ', close-up', ', aerial view', ', full body shot'];

type Mode = 'WORDS' | 'FUZZY' | 'SEMANTIC' | 'HYBRID';
const CASES: Record<string, { query: string; mode: Mode; naive: string }> = {
  word: { query: 'lighthouse', mode: 'WORDS', naive: 'lighthouse' },
  phrase: { query: '"neon lights"', mode: 'WORDS', naive: 'neon lights' },
  typo: { query: 'lighthuose', mode: 'FUZZY', naive: 'lighthuose' },
  prefix: { query: 'clocktow', mode: 'FUZZY', naive: 'clocktow' },
  ...(SEMANTIC ? { semantic: { query: 'a fox in the snow at night, watercolor', mode: 'SEMANTIC' as Mode, naive: '(exact cosine scan)' } } : {}),
  hybrid: { query: 'samurai in the rain', mode: 'HYBRID', naive: 'samurai in the rain' },
};

const SEARCH = `query($input: LibrarySearchInput) { searchPrompts(input: $input, first: 20) { totalCount edges { node { id text } } } }`;

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-library-'));
  const server = await startServer(
    {
      ...loadConfig(process.env),
      ...{ host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'), modelsDir: MODELS_DIR, defaultModel: BUNDLED_MODEL_NAME, workers: 0 },
      embeddingModel: SEMANTIC ? BUNDLED_MODEL_NAME : 'off',
    },
    createLogger('silent'),
  );
  const { prisma } = server.database;
  try {
    const loadStart = performance.now();
    await load(prisma);
    const loadMs = performance.now() - loadStart;
    const embedStart = performance.now();
    const queryVector = SEMANTIC ? await embedAll(prisma, CASES.semantic!.query) : null;
    const embedMs = performance.now() - embedStart;
    await prisma.$executeRawUnsafe('ANALYZE "Prompt"');
    await prisma.$executeRawUnsafe('ANALYZE "PromptEmbedding"');

    const results: Record<string, { hits: number; search: Percentiles; naive: Percentiles; ratioP50: number }> = {};
    for (const [name, c] of Object.entries(CASES)) {
      const run = () => graphql(server.url, { input: { query: c.query, mode: c.mode } });
      const naive = () =>
        c.mode === 'SEMANTIC'
          ? prisma.$queryRaw`
              SELECT e."promptId", d.score FROM "PromptEmbedding" e,
                LATERAL (SELECT sum(a * b) AS score FROM unnest(e.vector, ${queryVector}::real[]) AS t(a, b)) d
              ORDER BY d.score DESC LIMIT 20`
          : Promise.all([
              prisma.$queryRaw`SELECT id, text FROM "Prompt" WHERE text ILIKE ${`%${c.naive}%`} ORDER BY "createdAt" DESC, id LIMIT 20`,
              prisma.$queryRaw`SELECT count(*)::int FROM "Prompt" WHERE text ILIKE ${`%${c.naive}%`}`,
            ]);
      await run();
      await naive();
      const searchTimes: number[] = [];
      const naiveTimes: number[] = [];
      let hits = 0;
      for (let i = 0; i < QUERIES; i++) {
        // Interleaved, so both see the same machine.
        let start = performance.now();
        hits = (await run()).totalCount;
        searchTimes.push(performance.now() - start);
        start = performance.now();
        await naive();
        naiveTimes.push(performance.now() - start);
      }
      const search = percentiles(searchTimes);
      const scan = percentiles(naiveTimes);
      results[name] = { hits, search, naive: scan, ratioP50: round(search.p50 / scan.p50, 3) };
    }

    console.log(
      `${PROMPTS} prompts on ${server.database.kind}, loaded in ${(loadMs / 1000).toFixed(1)} s` +
        (SEMANTIC ? `, embedded in ${(embedMs / 1000).toFixed(1)} s` : '') +
        `; ${QUERIES} queries per case`,
    );
    console.log('| case | query | hits | search p50 / p95 / p99 (GraphQL HTTP) | naive baseline p50 / p95 / p99 (SQL: ILIKE scan; semantic: exact cosine scan) | p50 ratio |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      const c = CASES[name]!;
      console.log(`| ${name} | \`${c.query}\` (${c.mode}) | ${r.hits} | ${fmt(r.search)} | ${fmt(r.naive)} | ${r.ratioP50} |`);
    }
    printBenchRecord('library', {
      database: server.database.kind,
      prompts: PROMPTS,
      queries: QUERIES,
      loadSeconds: round(loadMs / 1000, 1),
      embedSeconds: SEMANTIC ? round(embedMs / 1000, 1) : null,
      results,
    });
  } finally {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Prompts from the word lists by index (all distinct), each with one completed generation, in SQL. */
async function load(prisma: Awaited<ReturnType<typeof startServer>>['database']['prisma']): Promise<void> {
  const limit = SUBJECTS.length * PLACES.length * STYLES.length * DETAILS.length;
  const combinations = limit * FRAMES.length;
  if (PROMPTS > combinations) throw new Error(`BENCH_PROMPTS must be at most ${combinations}`);
  await prisma.$executeRaw`
    INSERT INTO "Prompt" (id, text, normalized, "useCount", "createdAt", "lastUsedAt")
    SELECT 'bench' || i, t, lower(t), 1 + i % 7, now() - i * interval '1 second', now() - i * interval '1 second'
    FROM (
      SELECT i,
        'a ' || (${SUBJECTS}::text[])[1 + i % ${SUBJECTS.length}] || ' ' || (${PLACES}::text[])[1 + (i / ${SUBJECTS.length}) % ${PLACES.length}]
        || ', ' || (${STYLES}::text[])[1 + (i / ${SUBJECTS.length * PLACES.length}) % ${STYLES.length}]
        || ', ' || (${DETAILS}::text[])[1 + (i / ${SUBJECTS.length * PLACES.length * STYLES.length}) % ${DETAILS.length}]
        || (${FRAMES}::text[])[1 + (i / ${limit}) % ${FRAMES.length}] AS t
      FROM generate_series(0, ${PROMPTS - 1}) AS i
    ) generated`;
  await prisma.$executeRaw`
    INSERT INTO "Generation" (id, "promptId", model, sampler, steps, "guidanceScale", width, height, seed, "batchSize", status, "finishedAt")
    SELECT 'bench' || i, 'bench' || i, 'tiny', 'euler', 20, 7, 512, 512, i, 1, 'COMPLETED', now()
    FROM generate_series(0, ${PROMPTS - 1}) AS i`;
}

/**
 * Embeds every prompt with the bundled text encoder, as the server does in the background (here waited
 * for, and timed); returns the semantic case's query embedding for the exact-scan baseline.
 */
async function embedAll(prisma: Awaited<ReturnType<typeof startServer>>['database']['prisma'], query: string): Promise<number[]> {
  const embedder = await PromptEmbedder.load(path.join(MODELS_DIR, BUNDLED_MODEL_NAME));
  const index = new SemanticIndex(prisma, { encoder: BUNDLED_MODEL_NAME, dimensions: embedder.dimensions, embed: (texts) => embedder.embed(texts) });
  await index.catchUp();
  const [vector] = await embedder.embed([query]);
  return Array.from(vector!);
}

async function graphql(url: string, variables: object): Promise<{ totalCount: number }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SEARCH, variables }) });
  const body = (await response.json()) as { data?: { searchPrompts: { totalCount: number } }; errors?: unknown };
  if (!body.data) throw new Error(`search failed: ${JSON.stringify(body.errors)}`);
  return body.data.searchPrompts;
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function fmt(p: Percentiles): string {
  return `${p.p50} / ${p.p95} / ${p.p99} ms`;
}

function words(list: string): string[] {
  return list.split(' ').map((w) => w.replaceAll('_', ' '));
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
