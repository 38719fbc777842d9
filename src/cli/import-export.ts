/** The `import` and `export` commands: the library `serve` uses, opened for one command, with progress and a summary. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_VIEWER } from '../accounts/viewer.js';
import type { Config } from '../config.js';
import { samplerLabels } from '../generation/samplers.js';
import { FileImageStore, openDatabase, openLibrary, type Library } from '../library/index.js';
import { formatImportSummary } from './import-summary.js';
import { ProgressBar } from './progress-bar.js';

/**
 * `atelier import <folder|file.png|file.csv|library.jsonl>`: into the library `serve` uses (same data folder
 * or DATABASE_URL). Progress on stderr when it is a terminal, the summary on stdout. Exit code 0 even when
 * items were skipped (they are reported); 1 only when the path cannot be read.
 */
export async function runImport(config: Config, args: string[]): Promise<void> {
  const { target, owner } = targetAndOwner(args, 'usage: import <folder | file.png | file.csv | library.jsonl> [--owner NAME]');
  const resolved = path.resolve(target);
  if (!(await fs.stat(resolved).catch(() => null))) throw new UsageError(`${resolved} does not exist`);
  await withLibrary(config, async (library) => {
    const account = await library.accounts.findAccount(owner ?? LOCAL_VIEWER.name);
    if (!account) throw new UsageError(`there is no account named ${owner}; create it with npm run keys -- create ${owner}`);
    const progress = new ProgressBar(process.stderr, 'importing');
    const report = await library.importer.forOwner(account.id).importPath(resolved, (done, total) => progress.update(done, total));
    progress.finish();
    process.stdout.write(formatImportSummary(report));
  });
}

/** `atelier export <folder>`: library.jsonl and the image files (see src/library/interchange/export-format.ts). */
export async function runExport(config: Config, args: string[]): Promise<void> {
  const { target: folder, owner } = targetAndOwner(args, 'usage: export <folder> [--owner NAME]');
  const resolved = path.resolve(folder);
  await withLibrary(config, async (library) => {
    const account = owner === undefined ? null : await library.accounts.findAccount(owner);
    if (owner !== undefined && !account) throw new UsageError(`there is no account named ${owner}`);
    const progress = new ProgressBar(process.stderr, 'exporting');
    const result = await library.exporter.export(resolved, (done, total) => progress.update(done, total), account?.id);
    progress.finish();
    process.stdout.write(`exported ${result.prompts} prompts, ${result.generations} generations and ${result.files} image files to ${resolved}\n`);
    if (result.missingFiles.length > 0) process.stdout.write(`missing from the data folder (left out): ${result.missingFiles.join(', ')}\n`);
  });
}

/** A mistake in how the command was called: printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The path and `--owner NAME`: import adds everything as NAME's (default: the built-in admin `local`); export
 * writes only NAME's work (default: every account's).
 */
function targetAndOwner(args: string[], usage: string): { target: string; owner: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { owner: { type: 'string' } } });
  } catch {
    throw new UsageError(usage);
  }
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length > 0) throw new UsageError(usage);
  return { target, owner: parsed.values.owner };
}

/** The library `serve` uses, without semantic search (an import's new prompts are embedded when the server next starts). */
export async function withLibrary(config: Config, work: (library: Library) => Promise<void>): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const library = await openLibrary(database, new FileImageStore(config.dataDir), { samplers: samplerLabels() });
    try {
      await work(library);
    } finally {
      await library.close();
    }
  } finally {
    await database.close();
  }
}
