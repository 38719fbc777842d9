/**
 * Prisma's own schema engine, in its WebAssembly build, for development checks only (the server never loads
 * it). The native engine behind `prisma migrate` cannot be installed here, so this is how we ask Prisma
 * (a) which SQL a schema change needs, i.e. what `prisma migrate dev` would write, and (b) whether it reads
 * the migration history our start-up migrator records the way it reads its own.
 * Needs the optional dev dependency `@prisma/schema-engine-wasm`; every function returns null without it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPGlite, PrismaPGliteWithExtensions } from './pglite.js';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { MIGRATIONS_DIR } from './migrate.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../../../../prisma/schema.prisma', import.meta.url));
const PACKAGE = '@prisma/schema-engine-wasm/schema_engine_bg';

/** The part of the engine's API used here (its own typings come with the optional package). */
interface WasmEngine {
  diff(params: object): Promise<{ exitCode: number; stdout: string | null }>;
  diagnoseMigrationHistory(params: object): Promise<PrismaHistoryDiagnosis>;
  applyMigrations(params: object): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

interface WasmBindings {
  SchemaEngine: { new: (options: object, log: (line: string) => void, adapter: object) => Promise<WasmEngine> };
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}

/** Node has WebAssembly, but the project's libs (ES2023, no DOM) do not declare it. */
const { WebAssembly: Wasm } = globalThis as unknown as {
  WebAssembly: {
    compile(bytes: Uint8Array): Promise<object>;
    instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
  };
};

export interface PrismaHistoryDiagnosis {
  /** Applied migrations whose file no longer matches the recorded checksum. */
  editedMigrationNames: string[];
  failedMigrationNames: string[];
  hasMigrationsTable: boolean;
  /** null when the database and the folder agree; otherwise Prisma's description of the divergence. */
  history: unknown;
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * Indexes the migrations create with non-key INCLUDE columns, which schema.prisma cannot express (Prisma reads
 * them as key columns, prisma/prisma#8584): the diff would drop and re-create each one without them.
 */
const COVERING_INDEXES = ['Prompt_useCount_id_idx'];

let bindings: Promise<WasmBindings | null> | undefined;

/** Instantiates the WebAssembly module once per process (wasm-bindgen keeps module-level state). */
function loadBindings(): Promise<WasmBindings | null> {
  bindings ??= (async () => {
    let glue: WasmBindings;
    try {
      // A variable specifier keeps TypeScript from requiring the optional package at compile time.
      const specifier: string = PACKAGE;
      glue = (await import(specifier)) as WasmBindings;
    } catch {
      return null;
    }
    const wasmFile = new URL('./schema_engine_bg.wasm', import.meta.resolve(PACKAGE));
    const module = await Wasm.compile(await fs.readFile(wasmFile));
    const { exports } = await Wasm.instantiate(module, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(exports);
    (exports.__wbindgen_start as (() => void) | undefined)?.();
    return glue;
  })();
  return bindings;
}

export interface SchemaEngineOptions {
  schemaPath?: string;
  migrationsDir?: string;
}

/** The migrations folder in the shape the engine reads it (what the Prisma CLI passes it). */
async function migrationsList(dir: string): Promise<object> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const directories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8') } },
    })),
  );
  const lockfile = await fs.readFile(path.join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return { baseDir: dir, lockfile: { path: 'migration_lock.toml', content: lockfile }, shadowDbInitScript: '', migrationDirectories: directories };
}

/** Runs `work` with an engine connected through `adapter` (default: a throwaway in-memory PGlite). */
async function withEngine<T>(
  options: SchemaEngineOptions,
  adapter: SqlMigrationAwareDriverAdapterFactory | undefined,
  work: (engine: WasmEngine, migrations: object) => Promise<T>,
): Promise<T | null> {
  const glue = await loadBindings();
  if (!glue) return null;
  const schema = await fs.readFile(options.schemaPath ?? SCHEMA_PATH, 'utf8');
  const scratch = adapter ? undefined : createPGlite();
  const factory = adapter ?? new PrismaPGliteWithExtensions(scratch!);
  // The engine expects the error-capturing (Result-returning) form of the adapter that Prisma's CLI passes.
  const engine = await glue.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
  try {
    return await work(engine, await migrationsList(options.migrationsDir ?? MIGRATIONS_DIR));
  } finally {
    engine.free();
    await scratch?.close();
  }
}

/**
 * The SQL that takes a database built from the migrations folder to what schema.prisma describes: the body
 * of the next migration.sql. An empty string when they already agree; null when the engine is not installed.
 */
export async function pendingMigrationSql(options: SchemaEngineOptions = {}): Promise<string | null> {
  return withEngine(options, undefined, async (engine, migrations) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrations },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: await fs.readFile(options.schemaPath ?? SCHEMA_PATH, 'utf8') }] },
      script: true,
      exitCode: true, // 2 when there is a difference, 0 when none
      filters: NO_FILTERS,
    });
    return result.exitCode === 0 ? '' : withoutCoveringIndexes(result.stdout ?? '');
  });
}

/** The diff script without the drop and re-creation of the COVERING_INDEXES (see there). */
function withoutCoveringIndexes(script: string): string {
  const steps = script.split(/\n(?=-- )/);
  const kept = steps.filter((step) => !COVERING_INDEXES.some((name) => step.includes(`INDEX "${name}"`)));
  return kept.join('\n').trim() === '' ? '' : kept.join('\n');
}

/** What `prisma migrate status/deploy` would think of a database's migration history. */
export function prismaDiagnose(adapter: SqlMigrationAwareDriverAdapterFactory, options: SchemaEngineOptions = {}): Promise<PrismaHistoryDiagnosis | null> {
  return withEngine(options, adapter, (engine, migrations) =>
    engine.diagnoseMigrationHistory({ migrationsList: migrations, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
}

/** `prisma migrate deploy` through the engine: applies what it considers pending, returns the names. */
export function prismaDeploy(adapter: SqlMigrationAwareDriverAdapterFactory, options: SchemaEngineOptions = {}): Promise<string[] | null> {
  return withEngine(options, adapter, async (engine, migrations) => {
    const result = await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/**
 * Prisma's PostgreSQL adapter for the engine, except that a migration script goes to the server whole, as
 * `prisma migrate` sends it: the adapter splits scripts at every ';', which cuts a function body apart
 * (the search-words trigger function). PostgreSQL runs a multi-statement script in one simple query.
 */
export class PrismaPgWholeScripts extends PrismaPg {
  override async connect(): ReturnType<PrismaPg['connect']> {
    return sendScriptsWhole(await super.connect());
  }

  override async connectToShadowDb(): ReturnType<PrismaPg['connectToShadowDb']> {
    return sendScriptsWhole(await super.connectToShadowDb());
  }
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

function sendScriptsWhole(adapter: PgAdapter): PgAdapter {
  const internals = adapter as unknown as { client: { query(sql: string): Promise<unknown> }; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}
