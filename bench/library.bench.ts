/**
 * npm run bench:library — prompt search latency over GraphQL HTTP on a large library.
 *
 * Loads BENCH_PROMPTS prompts (default 100,000; each with one generation) into the server's own database
 * (embedded PGlite, or PostgreSQL with DATABASE_URL), shaped as BENCH_SHAPE says (`long`, the default: real
 * prompts' length and word frequencies; `short`: 6-12 words; see prompt-corpus.ts), and embeds them with the bundled toy-shapes
 * text encoder (BENCH_SEMANTIC=0 skips that and the semantic case), then times `searchPrompts` for a word, a
 * phrase, a typo, an unfinished word (prefix), a meaning (semantic) and the hybrid default, BENCH_QUERIES
 * times each (p50, p95, p99), next to a naive baseline over the same rows measured in the same run,
 * BENCH_BASELINE_RUNS times (default BENCH_QUERIES; at a million prompts a scan takes seconds, so fewer runs of it
 * leave time for enough searches that p99 is not just the slowest one), spread among the searches: an `ILIKE '%word%'` scan (page of 20 plus the total count, as the search returns), and for
 * the semantic case the exact scan, every embedding's cosine similarity computed (what runs without pgvector).
 * Prints a table and one JSON line. A PostgreSQL database that already holds this benchmark's library (same
 * size and shape, from an earlier run) is used as it is, embeddings included: load and embed once, then
 * measure as often as needed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { fileURLToPath } from 'node:url';
import { PromptEmbedder } from '../src/diffusion/index.js';
import type { SemanticIndex } from '../src/library/index.js';
import { createLogger } from '../src/logger.js';
import { BUNDLED_MODEL_NAME, startServer } from '../src/server.js';
import { printBenchRecord } from './bench-record.js';
import { corpusCapacity, promptCorpus, type CorpusShape } from './prompt-corpus.js';

const PROMPTS = Number(process.env.BENCH_PROMPTS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 50);
const BASELINE_RUNS = Math.min(QUERIES, Number(process.env.BENCH_BASELINE_RUNS ?? QUERIES));
const SEMANTIC = process.env.BENCH_SEMANTIC !== '0';
const MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../models');

const SHAPE: CorpusShape = process.env.BENCH_SHAPE === 'short' ? 'short' : 'long';
/** Prompts lacking an embedding beyond which the HNSW index is built after the backfill rather than during it. */
const BULK_BACKFILL = 100_000;
/** Prompts inserted per statement. */
const LOAD_BATCH = 5000;

type Mode = 'WORDS' | 'FUZZY' | 'SEMANTIC' | 'HYBRID';
/** A search (`searchPrompts`, first 20 and the count) or the prompt box's autocomplete (`promptSuggestions`, 10). */
interface Case {
  query: string;
  mode: Mode | 'SUGGEST';
  /** What the naive baseline looks for with ILIKE '%...%'. */
  naive: string;
}
const CASES: Record<string, Case> = {
  word: { query: 'lighthouse', mode: 'WORDS', naive: 'lighthouse' },
  'common words': { query: 'highly detailed', mode: 'WORDS', naive: 'highly detailed' },
  phrase: { query: '"neon lights"', mode: 'WORDS', naive: 'neon lights' },
  typo: { query: 'lighthuose', mode: 'FUZZY', naive: 'lighthuose' },
  prefix: { query: 'clocktow', mode: 'FUZZY', naive: 'clocktow' },
  ...(SEMANTIC ? { semantic: { query: 'a fox in the snow at night, watercolor', mode: 'SEMANTIC' as Mode, naive: '(exact cosine scan)' } } : {}),
  hybrid: { query: 'samurai in the rain', mode: 'HYBRID', naive: 'samurai in the rain' },
  'hybrid, a whole prompt': { query: 'a samurai in the rain, cinematic lighting, highly detailed, by greg rutkowski', mode: 'HYBRID', naive: 'samurai in the rain' },
  autocomplete: { query: 'cyberp', mode: 'SUGGEST', naive: 'cyberp' },
  'autocomplete, later word': { query: 'samurai in the rain, cyberp', mode: 'SUGGEST', naive: 'cyberp' },
};

const SEARCH = `query($input: LibrarySearchInput) { searchPrompts(input: $input, first: 20) { totalCount totalCountIsExact edges { node { id text } } } }`;
const SUGGEST = `query($prefix: String!) { promptSuggestions(prefix: $prefix, first: 10) { id text } }`;

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
    const loaded = await load(prisma);
    const loadMs = performance.now() - loadStart;
    const embedStart = performance.now();
    const queryVector = SEMANTIC ? await embedAll(server.semantic, CASES.semantic!.query) : null;
    const embedMs = performance.now() - embedStart;
    // What follows a bulk load within a minute: PostgreSQL's autovacuum, or the embedded database's own pass.
    await (server.database.maintain?.() ?? prisma.$executeRawUnsafe('VACUUM (ANALYZE) "Prompt", "PromptEmbedding", "SearchWord"'));

    const results: Record<string, { hits: string; search: Percentiles; naive: Percentiles; ratioP50: number }> = {};
    for (const [name, c] of Object.entries(CASES)) {
      const run = () =>
        c.mode === 'SUGGEST'
          ? graphql<{ promptSuggestions: unknown[] }>(server.url, SUGGEST, { prefix: c.query }).then((data) => String(data.promptSuggestions.length))
          : graphql<{ searchPrompts: { totalCount: number; totalCountIsExact: boolean } }>(server.url, SEARCH, { input: { query: c.query, mode: c.mode } }).then(
              // "~" marks an estimated count.
              ({ searchPrompts: { totalCount, totalCountIsExact } }) => (totalCountIsExact ? String(totalCount) : `~${totalCount}`),
            );
      const naive = () =>
        c.mode === 'SEMANTIC'
          ? prisma.$queryRaw`
              SELECT e."promptId", d.score FROM "PromptEmbedding" e,
                LATERAL (SELECT sum(a * b) AS score FROM unnest(e.vector, ${queryVector}::real[]) AS t(a, b)) d
              ORDER BY d.score DESC LIMIT 20`
          : c.mode === 'SUGGEST'
            ? prisma.$queryRaw`SELECT id, text FROM "Prompt" WHERE text ILIKE ${`%${c.naive}%`} ORDER BY "useCount" DESC, id LIMIT 10`
            : Promise.all([
                prisma.$queryRaw`SELECT id, text FROM "Prompt" WHERE text ILIKE ${`%${c.naive}%`} ORDER BY "createdAt" DESC, id LIMIT 20`,
                prisma.$queryRaw`SELECT count(*)::int FROM "Prompt" WHERE text ILIKE ${`%${c.naive}%`}`,
              ]);
      await run();
      await naive();
      const searchTimes: number[] = [];
      const naiveTimes: number[] = [];
      let hits = '';
      for (let i = 0; i < QUERIES; i++) {
        // Interleaved, so both see the same machine: a baseline run after every QUERIES / BASELINE_RUNS searches.
        let start = performance.now();
        hits = await run();
        searchTimes.push(performance.now() - start);
        if (Math.floor(((i + 1) * BASELINE_RUNS) / QUERIES) === naiveTimes.length) continue;
        start = performance.now();
        await naive();
        naiveTimes.push(performance.now() - start);
      }
      const search = percentiles(searchTimes);
      const scan = percentiles(naiveTimes);
      results[name] = { hits, search, naive: scan, ratioP50: round(search.p50 / scan.p50, 3) };
    }

    console.log(
      `${PROMPTS} ${SHAPE} prompts on ${server.database.kind}, ${loaded ? `loaded in ${(loadMs / 1000).toFixed(1)} s` : 'loaded by an earlier run'}` +
        (SEMANTIC ? `, embedded in ${(embedMs / 1000).toFixed(1)} s` : '') +
        `; ${QUERIES} queries per case, ${BASELINE_RUNS} baseline runs`,
    );
    console.log('| case | query | hits (~ estimated; autocomplete: suggestions) | search p50 / p95 / p99 (GraphQL HTTP) | naive baseline p50 / p95 / p99 (SQL: ILIKE scan; semantic: exact cosine scan) | p50 ratio |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      const c = CASES[name]!;
      console.log(`| ${name} | \`${c.query}\` (${c.mode}) | ${r.hits} | ${fmt(r.search)} | ${fmt(r.naive)} | ${r.ratioP50} |`);
    }
    printBenchRecord('library', {
      database: server.database.kind,
      prompts: PROMPTS,
      shape: SHAPE,
      queries: QUERIES,
      baselineRuns: BASELINE_RUNS,
      loadSeconds: loaded ? round(loadMs / 1000, 1) : null,
      embedSeconds: SEMANTIC ? round(embedMs / 1000, 1) : null,
      results,
    });
  } finally {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

type Prisma = Awaited<ReturnType<typeof startServer>>['database']['prisma'];

/**
 * The corpus's first PROMPTS prompts, each with one completed generation; nothing when the database already
 * holds exactly them (an earlier run's). Returns whether it loaded.
 */
async function load(prisma: Prisma): Promise<boolean> {
  if (PROMPTS > corpusCapacity(SHAPE)) throw new Error(`BENCH_PROMPTS must be at most ${corpusCapacity(SHAPE)} for the ${SHAPE} shape`);
  const corpus = promptCorpus(SHAPE);
  const [present] = await prisma.$queryRaw<Array<{ count: number; first: string | null }>>`
    SELECT count(*)::int AS count, (SELECT text FROM "Prompt" WHERE id = 'bench0') AS first FROM "Prompt" WHERE id LIKE 'bench%'`;
  if (present!.count > 0) {
    if (present!.count === PROMPTS && present!.first === corpus.prompt(0)) return false;
    throw new Error(`the database holds another benchmark library (${present!.count} prompts); point DATABASE_URL at a fresh database`);
  }
  for (let start = 0; start < PROMPTS; start += LOAD_BATCH) {
    const ids: number[] = [];
    for (let i = start; i < Math.min(PROMPTS, start + LOAD_BATCH); i++) ids.push(i);
    const texts = ids.map((i) => corpus.prompt(i));
    const uses = ids.map((i) => corpus.useCount(i));
    await prisma.$executeRaw`
      INSERT INTO "Prompt" (id, text, normalized, "useCount", "createdAt", "lastUsedAt")
      SELECT 'bench' || i, t, lower(t), u, now() - i * interval '1 second', now() - i * interval '1 second'
      FROM unnest(${ids}::int[], ${texts}::text[], ${uses}::int[]) AS r(i, t, u)`;
  }
  await prisma.$executeRaw`
    INSERT INTO "Generation" (id, "promptId", model, sampler, steps, "guidanceScale", width, height, seed, "batchSize", status, "finishedAt")
    SELECT 'bench' || i, 'bench' || i, 'tiny', 'euler', 20, 7, 512, 512, i, 1, 'COMPLETED', now()
    FROM generate_series(0, ${PROMPTS - 1}) AS i`;
  return true;
}

/**
 * Embeds every prompt with the bundled text encoder, as the server does in the background (here waited
 * for, and timed), the HNSW index built after (see SemanticIndex.backfillWithoutIndex) when most prompts
 * have no embedding yet; returns the semantic case's query embedding for the exact-scan baseline.
 */
async function embedAll(semantic: SemanticIndex | null, query: string): Promise<number[]> {
  if (!semantic) throw new Error('the server has no semantic index');
  const embedder = await PromptEmbedder.load(path.join(MODELS_DIR, BUNDLED_MODEL_NAME));
  await ((await semantic.missingCount()) > BULK_BACKFILL ? semantic.backfillWithoutIndex() : semantic.catchUp());
  const [vector] = await embedder.embed([query]);
  return Array.from(vector!);
}

async function graphql<T>(url: string, query: string, variables: object): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`search failed: ${JSON.stringify(body.errors)}`);
  return body.data;
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

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
