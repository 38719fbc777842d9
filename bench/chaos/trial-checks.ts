/**
 * After a trial, what the database and the image files say: every accepted job terminal, no job run to
 * completion twice, every image row with its intact file, and re-runs byte-identical to other runs of the same request.
 */
import { openDatabase } from '../../src/library/index.js';
import type { LogFindings } from './node-logs.js';
import type { StoreFile } from './store-files.js';

interface GenerationRow {
  id: string;
  status: string;
  error: string | null;
  batchSize: number;
  attempts: number;
  /** Everything a request fixes, as one string: runs with equal keys must make equal images. */
  requestKey: string;
}

interface ImageRow {
  generationId: string;
  index: number;
  sha256: string;
  path: string;
  thumbnailPath: string | null;
  thumbnailSha256: string | null;
}

export interface TrialCounts {
  accepted: number;
  /** Rows whose mutation answer never arrived (the node died after committing): fine, if they end too. */
  unacknowledged: number;
  completed: number;
  cancelled: number;
  failed: number;
  /** Accepted jobs without a row, or whose row is not terminal: the one thing that must never happen. */
  lost: number;
  /** Jobs that ran to completion more than once (log lines), or have more images than their batch. */
  runTwice: number;
  /** Images of completed jobs without a row, and rows whose file or thumbnail is not on disk. */
  missing: number;
  /** Files whose bytes do not hash to their name or to their row's sha256. */
  corrupt: number;
  /** Images whose bytes differ from another run of the same request (seed, size, steps, batch, index). */
  divergent: number;
  /** Jobs that ran more than once (attempts > 1): interrupted and run again. */
  rerun: number;
  /** Re-run jobs' images compared with another run's: the byte-identity proof actually made. */
  rerunImagesCompared: number;
  /** PNG/WebP files no row names: what the start-up sweep removes after its grace period. */
  orphans: number;
  /** Write temporaries left behind. */
  temporary: number;
  failures: string[];
}

export interface TrialCheck {
  counts: TrialCounts;
  /** Every file a row names (images, thumbnails, uploads): what a sweep must leave alone. */
  namedFiles: Set<string>;
  /** Each job's row as the trial ended: whether it is terminal, and how many times it was claimed. */
  jobs: Map<string, { terminal: boolean; attempts: number }>;
}

async function readRows(dataDir: string, databaseUrl: string | undefined): Promise<{ generations: GenerationRow[]; images: ImageRow[]; uploads: string[] }> {
  const database = await openDatabase({ dataDir, databaseUrl });
  try {
    const generations = await database.prisma.$queryRaw<GenerationRow[]>`
      SELECT g."id", g."status"::text AS "status", g."error", g."batchSize", g."attempts",
        concat_ws('|', p."text", g."negativePrompt", g."model", g."sampler", g."steps", g."guidanceScale", g."width", g."height",
          g."seed"::text, coalesce(g."variationSeed"::text, '-'), g."variationStrength", g."batchSize") AS "requestKey"
      FROM "Generation" AS g JOIN "Prompt" AS p ON p."id" = g."promptId"`;
    const images = await database.prisma.$queryRaw<ImageRow[]>`
      SELECT "generationId", "index", "sha256", "path", "thumbnailPath", "thumbnailSha256" FROM "Image"`;
    const uploads = await database.prisma.$queryRaw<{ path: string; thumbnailPath: string | null }[]>`SELECT "path", "thumbnailPath" FROM "Upload"`;
    return { generations, images, uploads: uploads.flatMap((u) => [u.path, ...(u.thumbnailPath ? [u.thumbnailPath] : [])]) };
  } finally {
    await database.close();
  }
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * `references` is the run's memory of image bytes per request and index, across trials: a re-run is
 * compared with every earlier run of the same request, in this trial or before.
 */
export async function checkTrial(
  state: { dataDir: string; databaseUrl: string | undefined },
  accepted: readonly string[],
  logs: LogFindings,
  files: readonly StoreFile[],
  references: Map<string, string>,
): Promise<TrialCheck> {
  const { generations, images, uploads } = await readRows(state.dataDir, state.databaseUrl);
  const byId = new Map(generations.map((g) => [g.id, g]));
  const acceptedSet = new Set(accepted);
  const failures: string[] = [];
  const counts: TrialCounts = {
    accepted: accepted.length,
    unacknowledged: generations.filter((g) => !acceptedSet.has(g.id)).length,
    ...{ completed: 0, cancelled: 0, failed: 0, lost: 0, runTwice: 0, missing: 0, corrupt: 0, divergent: 0 },
    ...{ rerun: 0, rerunImagesCompared: 0, orphans: 0, temporary: 0, failures },
  };
  for (const id of accepted) {
    const row = byId.get(id);
    if (!row || !TERMINAL.has(row.status)) {
      counts.lost++;
      failures.push(`lost ${id}: ${row ? `still ${row.status}` : 'no row'}`);
    }
  }
  for (const row of generations) {
    if (row.status === 'COMPLETED') counts.completed++;
    if (row.status === 'CANCELLED') counts.cancelled++;
    if (row.status === 'FAILED') {
      counts.failed++;
      failures.push(`failed ${row.id}: ${row.error}`);
    }
    if (!acceptedSet.has(row.id) && !TERMINAL.has(row.status)) failures.push(`unacknowledged ${row.id} still ${row.status}`);
    if (row.attempts > 1) counts.rerun++;
  }
  const imagesOf = new Map<string, ImageRow[]>();
  for (const image of images) imagesOf.set(image.generationId, [...(imagesOf.get(image.generationId) ?? []), image]);
  // Runs never interrupted first: they are the references a re-run is held to.
  for (const row of [...generations].sort((a, b) => a.attempts - b.attempts)) {
    const own = imagesOf.get(row.id) ?? [];
    const completedTwice = (logs.completions.get(row.id) ?? 0) > 1;
    if (completedTwice || own.length > row.batchSize || own.some((image) => image.index >= row.batchSize)) {
      counts.runTwice++;
      failures.push(`run twice ${row.id}: ${logs.completions.get(row.id) ?? 0} completions, ${own.length} images for batch ${row.batchSize}`);
    }
    if (row.status === 'COMPLETED' && own.length < row.batchSize) {
      counts.missing += row.batchSize - own.length;
      failures.push(`missing images of ${row.id}: ${own.length} of ${row.batchSize}`);
    }
    for (const image of own) compareWithReferences(row, image, references, counts, failures);
  }
  const jobs = new Map(generations.map((row) => [row.id, { terminal: TERMINAL.has(row.status), attempts: Number(row.attempts) }]));
  return { counts, namedFiles: checkFiles(images, uploads, files, counts, failures), jobs };
}

function compareWithReferences(row: GenerationRow, image: ImageRow, references: Map<string, string>, counts: TrialCounts, failures: string[]): void {
  const key = `${row.requestKey}#${image.index}`;
  const reference = references.get(key);
  if (reference === undefined) {
    references.set(key, image.sha256);
    return;
  }
  if (row.attempts > 1) counts.rerunImagesCompared++;
  if (reference !== image.sha256) {
    counts.divergent++;
    failures.push(`divergent ${row.id}#${image.index} (attempts ${row.attempts}): ${image.sha256.slice(0, 12)} where another run made ${reference.slice(0, 12)}`);
  }
}

/** Counts missing, corrupt, orphan and temporary files; returns the files the rows name. */
function checkFiles(images: readonly ImageRow[], uploads: readonly string[], files: readonly StoreFile[], counts: TrialCounts, failures: string[]): Set<string> {
  const onDisk = new Map(files.map((f) => [f.path, f]));
  const named = new Set<string>(uploads);
  const expect = (file: string, sha256: string | null, owner: string): void => {
    named.add(file);
    const found = onDisk.get(file);
    if (!found) {
      counts.missing++;
      failures.push(`missing file ${file} of ${owner}`);
    } else if (sha256 !== null && found.contentSha256 !== sha256) {
      counts.corrupt++;
      failures.push(`corrupt ${file} of ${owner}: its bytes hash to ${found.contentSha256.slice(0, 12)}`);
    }
  };
  for (const image of images) {
    expect(image.path, image.sha256, `${image.generationId}#${image.index}`);
    if (image.thumbnailPath) expect(image.thumbnailPath, image.thumbnailSha256, `${image.generationId}#${image.index} (thumbnail)`);
  }
  for (const file of files) {
    if (file.temporary) {
      counts.temporary++;
      continue;
    }
    // A file whose bytes are not the ones its name promises was torn or overwritten: corrupt, named or not.
    if (file.namedSha256 !== undefined && file.namedSha256 !== file.contentSha256 && !images.some((i) => i.path === file.path || i.thumbnailPath === file.path)) {
      counts.corrupt++;
      failures.push(`corrupt unnamed file ${file.path}`);
    }
    if (!named.has(file.path)) counts.orphans++;
  }
  // A named file that is torn is counted once, by its row (above), as long as the row gives a hash.
  for (const image of images) {
    const found = onDisk.get(image.path);
    if (found && found.namedSha256 !== undefined && found.namedSha256 !== found.contentSha256 && found.contentSha256 === image.sha256) {
      counts.corrupt++;
      failures.push(`corrupt ${image.path}: the row agrees with the bytes but not with the name`);
    }
  }
  return named;
}
