import type { GenerationStatus } from '../generation/job.js';
import type { PrismaClient } from './db/generated/client.js';
import { seedFromDecimal } from './seeds.js';

export interface ImageRecord {
  id: string;
  index: number;
  seed: bigint;
  width: number;
  height: number;
  sha256: string;
  /** Relative to the data folder. */
  path: string;
  createdAt: Date;
}

export interface GenerationRecord {
  id: string;
  status: GenerationStatus;
  prompt: string;
  negativePrompt: string;
  model: string;
  sampler: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  seed: bigint;
  batchSize: number;
  priority: number;
  error: string | null;
  warnings: string[];
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  images: ImageRecord[];
}

export interface GenerationPage {
  items: Array<{ record: GenerationRecord; cursor: string }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

const GENERATION_INCLUDE = {
  prompt: { select: { text: true } },
  images: { orderBy: { index: 'asc' } },
} as const;

/**
 * Reading generations for the API. Returns plain records (seeds as bigint) so the GraphQL layer never
 * depends on Prisma's types.
 */
export class GenerationReader {
  constructor(private readonly prisma: PrismaClient) {}

  async getGeneration(id: string): Promise<GenerationRecord | null> {
    const row = await this.prisma.generation.findUnique({ where: { id }, include: GENERATION_INCLUDE });
    return row ? toRecord(row) : null;
  }

  /**
   * Newest first. The cursor names the last row seen (its creation time and id), so pages stay stable
   * while new generations arrive at the front.
   */
  async listGenerations({ first, after }: { first: number; after?: string }): Promise<GenerationPage> {
    const position = after === undefined ? undefined : decodeCursor(after);
    const where = position
      ? { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }] }
      : {};
    const [rows, totalCount] = await Promise.all([
      this.prisma.generation.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: first + 1,
        include: GENERATION_INCLUDE,
      }),
      this.prisma.generation.count(),
    ]);
    const page = rows.slice(0, first);
    const items = page.map((row) => ({ record: toRecord(row), cursor: encodeCursor(row.createdAt, row.id) }));
    return { items, hasNextPage: rows.length > first, endCursor: items.at(-1)?.cursor ?? null, totalCount };
  }

  async getImage(id: string): Promise<ImageRecord | null> {
    const row = await this.prisma.image.findUnique({ where: { id } });
    return row ? toImageRecord(row) : null;
  }

  countQueued(): Promise<number> {
    return this.prisma.generation.count({ where: { status: 'QUEUED' } });
  }
}

type ImageRow = {
  id: string;
  index: number;
  seed: { toFixed(): string };
  width: number;
  height: number;
  sha256: string;
  path: string;
  createdAt: Date;
};

function toImageRecord(row: ImageRow): ImageRecord {
  return { ...row, seed: seedFromDecimal(row.seed) };
}

function toRecord(row: {
  id: string;
  status: GenerationStatus;
  prompt: { text: string };
  negativePrompt: string;
  model: string;
  sampler: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  seed: { toFixed(): string };
  batchSize: number;
  priority: number;
  error: string | null;
  warnings: string[];
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  images: ImageRow[];
}): GenerationRecord {
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt.text,
    negativePrompt: row.negativePrompt,
    model: row.model,
    sampler: row.sampler,
    steps: row.steps,
    guidanceScale: row.guidanceScale,
    width: row.width,
    height: row.height,
    seed: seedFromDecimal(row.seed),
    batchSize: row.batchSize,
    priority: row.priority,
    error: row.error,
    warnings: row.warnings,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    images: row.images.map(toImageRecord),
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** Throws RangeError for anything that is not a cursor this API issued. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new RangeError('malformed cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new RangeError('malformed cursor');
  }
  const createdAt = new Date(parsed[0]);
  if (Number.isNaN(createdAt.getTime())) throw new RangeError('malformed cursor');
  return { createdAt, id: parsed[1] };
}
