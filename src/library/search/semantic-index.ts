/**
 * Semantic search over prompts: every prompt gets an embedding from a CLIP text encoder (PromptEmbedding
 * rows, unit vectors stored as real[]), and a query is answered by cosine distance to its own embedding.
 *
 * Where pgvector is installed (always in PGlite; on PostgreSQL when the server has the extension) the vectors
 * are cast to `vector` and an HNSW index on that expression serves nearest-neighbour queries. Both the
 * extension and the index are set up here at start-up rather than in a migration, because they are optional
 * (the migrations must run on a PostgreSQL without pgvector) and the index depends on the encoder's width.
 * Without pgvector the same query computes the dot products itself: exact, and linear in the prompts.
 */
import { Prisma, type PrismaClient } from '../db/generated/client.js';

/** Turns texts into unit-length vectors; implemented by the engine's prompt embedder. */
export interface TextEmbedder {
  /** Which encoder it is (the model's name): vectors of different encoders are never compared. */
  readonly encoder: string;
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface SemanticLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** Nearest prompts a semantic query considers; more cost more, and rank 500 barely counts in a fusion. */
export const SEMANTIC_CANDIDATES = 200;
/** Prompts embedded per encoder run and insert. */
const EMBED_BATCH = 64;
/** Prompts looked at per page of a pass over the library. */
const SCAN_PAGE = 512;
/** How long a search waits for prompts stored just before it to be embedded. */
const SETTLE_WAIT_MS = 2000;
/** Query texts whose embeddings are kept, so paging through results does not re-run the encoder. */
const QUERY_CACHE_SIZE = 256;
/**
 * Memory an HNSW index build may take (maintenance_work_mem, for that statement only). pgvector builds the graph
 * in memory while it fits and far slower once it does not; PostgreSQL's default, 64 MB, holds about 60,000 of
 * toy-shapes' 128-wide vectors' graph nodes, 1 GB about 930,000 (the rest of a million went in ten times slower).
 */
const HNSW_BUILD_MEMORY = '1GB';
/** How long building the HNSW index may take: 7 minutes for 1,000,000 of toy-shapes' embeddings on 2 cores. */
const INDEX_BUILD_TIMEOUT_MS = 24 * 3600_000;

export class SemanticIndex {
  private pgvector = false;
  private catchingUp: Promise<void> | null = null;
  private again = false;
  /** Newly stored prompts to embed next. */
  private readonly wanted = new Set<string>();
  /** Whether a pass over all prompts is due (at start-up, or asked for). */
  private passWanted = false;
  private closed = false;
  private readonly queryCache = new Map<string, Float32Array>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly embedder: TextEmbedder,
    private readonly logger?: SemanticLogger,
  ) {
    if (!Number.isInteger(embedder.dimensions) || embedder.dimensions < 1) throw new Error(`bad embedding width ${embedder.dimensions}`);
  }

  get encoder(): string {
    return this.embedder.encoder;
  }

  /** Whether queries use pgvector (known after open()). */
  get usesPgvector(): boolean {
    return this.pgvector;
  }

  /** Sets up pgvector and its index where possible, and starts embedding the prompts that have none yet. */
  async open(): Promise<void> {
    this.pgvector = await this.enablePgvector();
    this.logger?.info(
      { encoder: this.encoder, dimensions: this.embedder.dimensions, pgvector: this.pgvector },
      this.pgvector ? 'semantic search uses pgvector' : 'pgvector is not installed: semantic search compares every embedding (exact, slower on large libraries)',
    );
    this.schedule();
  }

  /**
   * Embeds every prompt that lacks an embedding from this encoder (one pass over all prompts, by id).
   * Concurrent calls share one run; a call during a run makes it go round once more.
   */
  catchUp(): Promise<void> {
    this.passWanted = true;
    return this.run();
  }

  /**
   * In the background (failures are logged, not thrown): embeds these newly stored prompts, or, without ids,
   * every prompt lacking an embedding.
   */
  schedule(promptIds?: readonly string[]): void {
    if (promptIds) for (const id of promptIds) this.wanted.add(id);
    else this.passWanted = true;
    this.run().catch((error: unknown) => this.logger?.warn({ err: error }, 'embedding prompts failed'));
  }

  private run(): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.again = false;
          while (!this.closed && this.wanted.size > 0) {
            const ids = [...this.wanted].slice(0, EMBED_BATCH);
            for (const id of ids) this.wanted.delete(id);
            await this.embedMissingIds(ids);
          }
          if (this.passWanted) {
            this.passWanted = false;
            await this.embedAllMissing();
          }
        } while (this.again && !this.closed);
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  /** Stops catching up after the batch in progress (before the database closes), and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.catchingUp?.catch(() => undefined);
  }

  /**
   * Waits for a catch-up in progress, so a search sees the prompts stored just before it; but not beyond
   * `maxWaitMs`: a backfill of a large library (minutes) must not hold searches up, which meanwhile see the
   * prompts embedded so far.
   */
  async settled(maxWaitMs = SETTLE_WAIT_MS): Promise<void> {
    if (!this.catchingUp) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([this.catchingUp.catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const key = text.trim().toLowerCase();
    const cached = this.queryCache.get(key);
    if (cached) {
      // Map order is insertion order: re-inserting marks it recently used.
      this.queryCache.delete(key);
      this.queryCache.set(key, cached);
      return cached;
    }
    const [vector] = await this.embedder.embed([text]);
    this.queryCache.set(key, vector!);
    if (this.queryCache.size > QUERY_CACHE_SIZE) this.queryCache.delete(this.queryCache.keys().next().value!);
    return vector!;
  }

  /** SQL yielding (id, score) of the `limit` prompts nearest to `vector`, score = cosine similarity. */
  nearestTo(vector: Float32Array, limit = SEMANTIC_CANDIDATES): Prisma.Sql {
    return this.nearest(Prisma.sql`${Array.from(vector)}::real[]`, limit);
  }

  /** As nearestTo, from a stored prompt's embedding (the prompt itself comes first, at similarity 1). */
  nearestToPrompt(promptId: string, limit = SEMANTIC_CANDIDATES): Prisma.Sql {
    return this.nearest(
      Prisma.sql`(SELECT vector FROM "PromptEmbedding" WHERE "promptId" = ${promptId} AND encoder = ${this.encoder})`,
      limit,
    );
  }

  /** Embeds these prompts now if they have no embedding (waited for, unlike schedule). */
  async embedNow(promptIds: readonly string[]): Promise<void> {
    await this.embedMissingIds(promptIds);
  }

  async hasEmbedding(promptId: string): Promise<boolean> {
    const found = await this.prisma.promptEmbedding.findUnique({ where: { promptId_encoder: { promptId, encoder: this.encoder } }, select: { promptId: true } });
    return found !== null;
  }

  /** How many prompts have no embedding from this encoder yet. */
  async missingCount(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<Array<{ missing: number }>>`
      SELECT count(*)::int AS missing FROM "Prompt" p
      WHERE NOT EXISTS (SELECT 1 FROM "PromptEmbedding" e WHERE e."promptId" = p.id AND e.encoder = ${this.encoder})`;
    return row?.missing ?? 0;
  }

  /** Settings a query using nearestTo needs, to run at the start of its transaction. */
  querySettings(): Prisma.Sql | null {
    // HNSW returns at most ef_search rows (default 40); the search wants all its candidates.
    return this.pgvector ? Prisma.sql`SELECT set_config('hnsw.ef_search', ${String(Math.max(40, SEMANTIC_CANDIDATES))}, true)` : null;
  }

  private nearest(query: Prisma.Sql, limit: number): Prisma.Sql {
    // The width and encoder are literals, not parameters, so the planner can match the partial index.
    const width = Prisma.raw(String(this.embedder.dimensions));
    const scope = Prisma.sql`encoder = ${Prisma.raw(sqlLiteral(this.encoder))} AND dimensions = ${width}`;
    if (this.pgvector) {
      const distance = Prisma.sql`(vector::vector(${width}) <=> (${query})::vector(${width}))`;
      return Prisma.sql`
        SELECT "promptId" AS id, (1 - ${distance})::float8 AS score FROM "PromptEmbedding"
        WHERE ${scope} ORDER BY ${distance} LIMIT ${limit}`;
    }
    return Prisma.sql`
      SELECT e."promptId" AS id, d.score FROM "PromptEmbedding" e,
        LATERAL (SELECT sum(a * b)::float8 AS score FROM unnest(e.vector, (${query})) AS t(a, b)) d
      WHERE ${scope} ORDER BY d.score DESC, e."promptId" LIMIT ${limit}`;
  }

  private async enablePgvector(): Promise<boolean> {
    const [available] = await this.prisma.$queryRaw<Array<{ installed: boolean; available: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed,
             EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`;
    if (!available?.available) return false;
    try {
      if (!available.installed) await this.prisma.$executeRawUnsafe('CREATE EXTENSION IF NOT EXISTS vector');
      await this.createIndex();
      return true;
    } catch (error) {
      this.logger?.warn({ err: error }, 'pgvector is installed but could not be set up (missing privilege?)');
      return false;
    }
  }

  /**
   * Embeds every prompt lacking an embedding with the HNSW index dropped, then builds it again: for a bulk
   * backfill (a library of a million prompts given an encoder), pgvector's advice. Inserting into the index
   * row by row took about six times as long as the embedding itself at a million prompts. Searches by meaning
   * meanwhile compare every embedding (exact, slow): for tools and benchmarks, not a serving server.
   */
  async backfillWithoutIndex(): Promise<void> {
    if (!this.pgvector) return this.catchUp();
    await this.prisma.$executeRawUnsafe(`DROP INDEX IF EXISTS "${indexName(this.encoder, this.embedder.dimensions)}"`);
    await this.catchUp();
    await this.createIndex();
  }

  private async createIndex(): Promise<void> {
    const width = this.embedder.dimensions;
    // One partial index per encoder and width: HNSW needs a fixed width, and a library may hold embeddings
    // of an earlier encoder too.
    await this.prisma.$transaction(
      [
        this.prisma.$queryRaw`SELECT set_config('maintenance_work_mem', ${HNSW_BUILD_MEMORY}, true)`,
        this.prisma.$executeRawUnsafe(
          `CREATE INDEX IF NOT EXISTS "${indexName(this.encoder, width)}" ON "PromptEmbedding" ` +
            `USING hnsw ((vector::vector(${width})) vector_cosine_ops) WHERE encoder = ${sqlLiteral(this.encoder)} AND dimensions = ${width}`,
        ),
      ],
      // Prisma ends a transaction after 5 s unless told otherwise; a million embeddings take minutes to index.
      { timeout: INDEX_BUILD_TIMEOUT_MS },
    );
  }

  /**
   * One pass over every prompt in id order, embedding those without an embedding: a keyset walk over the ids,
   * each page starting where the last ended, the embedded ones among a page found by their ids, and the texts
   * read for the others only. (Asking for "the next prompts without an embedding" instead let PostgreSQL
   * merge-join against every embedding so far: a backfill of a million prompts slowed down as it went.) A
   * library with nothing to embed, the usual start-up, costs one count: walking a million prompts' texts
   * through the client took minutes of CPU.
   */
  private async embedAllMissing(): Promise<void> {
    if ((await this.missingCount()) === 0) return;
    let after = '';
    while (!this.closed) {
      const page = await this.prisma.prompt.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: SCAN_PAGE, select: { id: true } });
      if (page.length === 0) return;
      after = page.at(-1)!.id;
      const missing = await this.withoutEmbedding(page.map((prompt) => prompt.id));
      if (missing.length > 0) await this.embedMissingIds(missing);
    }
  }

  /** Embeds those of these prompts that have no embedding yet (unknown ids are ignored). */
  private async embedMissingIds(promptIds: readonly string[]): Promise<void> {
    const missing = new Set(await this.withoutEmbedding(promptIds));
    if (missing.size === 0) return;
    const prompts = await this.prisma.prompt.findMany({ where: { id: { in: [...missing] } }, select: { id: true, text: true } });
    for (let start = 0; start < prompts.length && !this.closed; start += EMBED_BATCH) {
      const batch = prompts.slice(start, start + EMBED_BATCH);
      const vectors = await this.embedder.embed(batch.map((p) => p.text));
      await this.prisma.promptEmbedding.createMany({
        data: batch.map((prompt, i) => ({
          promptId: prompt.id,
          encoder: this.encoder,
          dimensions: this.embedder.dimensions,
          vector: Array.from(vectors[i]!),
        })),
        // Another server sharing the database may have embedded the same prompt meanwhile.
        skipDuplicates: true,
      });
    }
  }

  /** Those of these prompt ids that have no embedding from this encoder. */
  private async withoutEmbedding(promptIds: readonly string[]): Promise<string[]> {
    const embedded = await this.prisma.promptEmbedding.findMany({ where: { encoder: this.encoder, promptId: { in: [...promptIds] } }, select: { promptId: true } });
    const done = new Set(embedded.map((e) => e.promptId));
    return promptIds.filter((id) => !done.has(id));
  }
}

function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A stable, valid index name for an encoder (names are at most 63 bytes; model names may hold anything). */
function indexName(encoder: string, width: number): string {
  let hash = 0;
  for (const char of encoder) hash = (Math.imul(hash, 31) + char.codePointAt(0)!) >>> 0;
  return `PromptEmbedding_hnsw_${width}_${hash.toString(36)}`;
}
