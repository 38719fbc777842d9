/** Opening the database, embedded PGlite or a real PostgreSQL, with its migrations applied: the one Prisma client. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { createPGlite } from './pglite.js';
import { EmbeddedMaintenance, type MaintenanceOptions } from './embedded-maintenance.js';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.js';
import { applyMigrations, readMigrations, type SqlRunner } from './migrate.js';
import { openPool } from './pg-pool.js';

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgresql';
  /** PostgreSQL only: a new, unconnected client of the same database, for a dedicated connection (LISTEN). */
  newClient?: () => pg.Client;
  /**
   * PGlite only: vacuums and analyses the tables that need it now (see embedded-maintenance.ts; it also runs
   * every minute), returning their names, `*` for all. PostgreSQL's autovacuum does this on its own.
   */
  maintain?: () => Promise<string[]>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgresql://... for a real PostgreSQL; undefined for the embedded PGlite database. */
  databaseUrl?: string;
  /** Data folder; PGlite keeps its files in <dataDir>/db. ':memory:' keeps an embedded database in memory. */
  dataDir: string;
  /** Told of every SQL statement Prisma runs (for trace logging); absent, nothing is collected. */
  onQuery?: (event: { query: string; durationMs: number }) => void;
  /** PGlite's periodic vacuum and analyse (embedded-maintenance.ts): its interval, where its failures go. */
  maintenance?: MaintenanceOptions;
}

/** Opens the database and applies pending migrations before anything else touches it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.onQuery) : openPglite(options.dataDir, options.onQuery, options.maintenance);
}

type QueryListener = DatabaseOptions['onQuery'];

async function openPglite(dataDir: string, onQuery: QueryListener, maintenanceOptions?: MaintenanceOptions): Promise<Database> {
  let location: string | undefined;
  if (dataDir !== ':memory:') {
    location = path.join(dataDir, 'db');
    await fs.mkdir(location, { recursive: true });
  }
  const pglite = createPGlite(location);
  await pglite.waitReady;
  await applyMigrations(pgliteRunner(pglite), await readMigrations());
  const prisma = createClient(new PrismaPGlite(pglite), onQuery);
  const maintenance = new EmbeddedMaintenance(pglite, maintenanceOptions);
  maintenance.start();
  return {
    prisma,
    kind: 'pglite',
    maintain: () => maintenance.runOnce(),
    close: async () => {
      await maintenance.stop();
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(url: string, onQuery: QueryListener): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to the PostgreSQL database in DATABASE_URL (${describeUrl(url)}): ${reason}`, { cause: error });
  }
  try {
    await applyMigrations(pgRunner(client), await readMigrations());
  } finally {
    await client.end();
  }
  const pool = openPool(url);
  const prisma = createClient(new PrismaPg(pool), onQuery);
  return {
    prisma,
    kind: 'postgresql',
    newClient: () => new pg.Client({ connectionString: url }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function createClient(adapter: PrismaPGlite | PrismaPg, onQuery: QueryListener): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event) => onQuery({ query: event.query, durationMs: event.duration }));
  return prisma;
}

/** Driver-level runners for the migrator (exported for tests and tooling). */
export function pgliteRunner(db: PGlite | Transaction): SqlRunner {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
    transaction: async (work) => {
      if (!('transaction' in db)) throw new Error('nested transactions are not supported');
      await db.transaction((tx) => work(pgliteRunner(tx)));
    },
  };
}

export function pgRunner(client: pg.Client): SqlRunner {
  const runner: SqlRunner = {
    // Without parameters, pg uses the simple query protocol, which accepts several statements.
    exec: async (sql) => void (await client.query(sql)),
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<T>(sql, params)).rows,
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        await work(runner);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
  return runner;
}

/** Host, port and database of a URL, never its password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'not a valid URL';
  }
}
