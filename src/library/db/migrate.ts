/**
 * Applies pending migrations from prisma/migrations at start-up, the way `prisma migrate deploy` would, and
 * records them in Prisma's own `_prisma_migrations` table so that Prisma's tooling agrees where it is
 * available. (Prisma's native schema engine cannot be installed offline; the SQL runs through our driver.)
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Driver-level access: migration files hold several statements, which prepared statements cannot run. */
export interface SqlRunner {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `work` in a transaction on one connection. */
  transaction(work: (tx: SqlRunner) => Promise<void>): Promise<void>;
}

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

/** Prisma takes this advisory lock during migrations; using the same key keeps both from running at once. */
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const migrations: Migration[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const sql = await fs.readFile(path.join(dir, entry.name, 'migration.sql'), 'utf8');
    migrations.push({ name: entry.name, sql, checksum: sha256(sql) });
  }
  return migrations;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Whether a recorded checksum still describes the file. As Prisma does, a file whose only change is its
 * line endings (a Windows checkout, git's autocrlf) still matches, so both tools agree on "edited".
 */
export function checksumMatches(migration: Migration, recorded: string): boolean {
  if (recorded === migration.checksum) return true;
  const lf = migration.sql.replace(/\r\n/g, '\n');
  return recorded === sha256(lf) || recorded === sha256(lf.replace(/\n/g, '\r\n'));
}

/** Applies every migration not yet recorded; returns the names applied. */
export async function applyMigrations(runner: SqlRunner, migrations: Migration[]): Promise<string[]> {
  await runner.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  try {
    await runner.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await runner.query<{ migration_name: string; checksum: string; finished_at: unknown }>(
      'SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL',
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row]));
    const ran: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.name);
      if (previous) {
        if (previous.finished_at === null) {
          throw new MigrationError(`migration ${migration.name} started earlier but never finished; resolve it before starting`);
        }
        if (!checksumMatches(migration, previous.checksum)) {
          throw new MigrationError(
            `migration ${migration.name} was changed after it was applied (checksum ${previous.checksum} in the database, ${migration.checksum} on disk); add a new migration instead of editing an applied one`,
          );
        }
        continue;
      }
      // One transaction per migration: a failing one leaves neither half its changes nor a record behind.
      try {
        await runner.transaction(async (tx) => {
          const id = randomUUID();
          await tx.query(
            'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, now(), 0)',
            [id, migration.checksum, migration.name],
          );
          await tx.exec(migration.sql);
          await tx.query('UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1', [id]);
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
      }
      ran.push(migration.name);
    }
    return ran;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
  }
}
