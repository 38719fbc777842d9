import { openDatabase, type Database } from '../../src/library/index.js';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';

/**
 * A fresh, uniquely named PostgreSQL database for one test file, dropped afterwards. Null (and the tests
 * skip with a message) when no PostgreSQL is reachable at ATELIER_TEST_PG_URL / 127.0.0.1:5432. With
 * `owner`, the database belongs to that role (made if missing: a login without superuser rights) and the URL
 * connects as it.
 */
export async function createTestDatabase(options: { owner?: string } = {}): Promise<{ url: string; drop(): Promise<void> } | null> {
  const adminUrl = process.env.ATELIER_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `atelier_test_${randomBytes(6).toString('hex')}`;
  if (options.owner) {
    // Two test files may make the role at once: the loser's "already exists" is fine.
    await admin.query(`DO $$ BEGIN CREATE ROLE "${options.owner}" LOGIN NOSUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
  }
  await admin.query(`CREATE DATABASE "${name}"${options.owner ? ` OWNER "${options.owner}"` : ''}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  if (options.owner) url.username = options.owner;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

export const NO_POSTGRES = 'PostgreSQL is not reachable at ATELIER_TEST_PG_URL or 127.0.0.1:5432';

/**
 * The databases the library is tested on: embedded PGlite (pgvector built in), PostgreSQL as the tests find
 * it (CI installs pgvector), and PostgreSQL as a user without superuser rights sees it, who cannot create the
 * pgvector extension (not a trusted one), so semantic search takes its exact fallback.
 */
export type Backend = 'PGlite' | 'PostgreSQL' | 'PostgreSQL without pgvector';

/** The role the 'PostgreSQL without pgvector' backend connects as. */
const NO_EXTENSIONS_ROLE = 'atelier_test_no_superuser';

/**
 * The library database of one test suite: embedded PGlite in memory, or a fresh PostgreSQL database (null
 * when PostgreSQL is not reachable; the suite's tests then skip). `close` also drops the PostgreSQL database.
 */
export async function openBackend(backend: Backend): Promise<{ db: Database; close(): Promise<void> } | null> {
  if (backend === 'PGlite') {
    const db = await openDatabase({ dataDir: ':memory:' });
    return { db, close: () => db.close() };
  }
  const handle = await createTestDatabase(backend === 'PostgreSQL' ? {} : { owner: NO_EXTENSIONS_ROLE });
  if (!handle) return null;
  const db = await openDatabase({ dataDir: ':memory:', databaseUrl: handle.url });
  return {
    db,
    close: async () => {
      await db.close();
      await handle.drop();
    },
  };
}

/**
 * The backend of the enclosing describe(), opened before its tests (then handed to `opened`) and closed after
 * them. The returned function declares a test that runs on it once `reset` has cleared what the tests before
 * it left; without PostgreSQL the tests skip.
 */
export function suiteBackend(
  backend: Backend,
  hooks: { opened(db: Database): Promise<void> | void; reset(db: Database): Promise<void> },
): (title: string, body: () => Promise<void>) => void {
  let handle: Awaited<ReturnType<typeof openBackend>>;
  before(async () => {
    handle = await openBackend(backend);
    if (handle) await hooks.opened(handle.db);
  });
  after(async () => {
    await handle?.close();
  });
  return (title, body) =>
    test(title, async (t) => {
      if (!handle) return t.skip(NO_POSTGRES);
      await hooks.reset(handle.db);
      await body();
    });
}
