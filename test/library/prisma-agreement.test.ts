import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { createPGlite } from '../../src/library/db/pglite.js';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { pendingMigrationSql, PrismaPgWholeScripts, prismaDeploy, prismaDiagnose } from '../../src/library/db/schema-engine.js';
import { openDatabase, readMigrations, type Database } from '../../src/library/index.js';
import { createTestDatabase, NO_POSTGRES } from './pg-test-database.js';

/**
 * Our hand-written migrations and start-up migrator, checked by Prisma's own schema engine (WebAssembly
 * build): the SQL is what Prisma would generate, and Prisma reads the history we record as its own.
 */

const NO_ENGINE = '@prisma/schema-engine-wasm is not installed (dev dependency): cannot ask Prisma';
const names = async () => (await readMigrations()).map((m) => m.name);

test('prisma/migrations produce exactly what schema.prisma describes', async (t) => {
  const sql = await pendingMigrationSql();
  if (sql === null) return t.skip(NO_ENGINE);
  assert.equal(sql, '', `schema.prisma needs a migration (node scripts/migration-diff.mjs <name>):\n${sql}`);
});

interface Target {
  open(): Promise<Database>;
  /** A Prisma adapter on the same database, for the engine; closed by `done`. */
  adapter(): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; done(): Promise<void> }>;
}

async function checkAgreement(t: TestContext, fresh: () => Promise<Target & { cleanup(): Promise<void> }>): Promise<void> {
  if ((await pendingMigrationSql()) === null) return t.skip(NO_ENGINE);

  // We migrate; Prisma finds nothing edited, failed or pending.
  const ours = await fresh();
  try {
    await (await ours.open()).close();
    const prisma = await ours.adapter();
    try {
      const diagnosis = await prismaDiagnose(prisma.factory);
      assert.deepEqual(diagnosis, { editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
      assert.deepEqual(await prismaDeploy(prisma.factory), []);
    } finally {
      await prisma.done();
    }
  } finally {
    await ours.cleanup();
  }

  // Prisma migrates; we open the database without applying anything again.
  const theirs = await fresh();
  try {
    const prisma = await theirs.adapter();
    try {
      assert.deepEqual(await prismaDeploy(prisma.factory), await names());
    } finally {
      await prisma.done();
    }
    const database = await theirs.open();
    const rows = await database.prisma.$queryRaw<{ migration_name: string }[]>`SELECT "migration_name" FROM "_prisma_migrations" ORDER BY "migration_name"`;
    assert.deepEqual(rows.map((r) => r.migration_name), await names());
    await database.close();
  } finally {
    await theirs.cleanup();
  }
}

describe("Prisma's migration tooling agrees with our start-up migrator", () => {
  test('embedded PGlite', (t) =>
    checkAgreement(t, async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-prisma-'));
      await fs.mkdir(path.join(dataDir, 'db'));
      return {
        open: () => openDatabase({ dataDir }),
        adapter: async () => {
          const pglite = createPGlite(path.join(dataDir, 'db'));
          return { factory: new PrismaPGlite(pglite), done: () => pglite.close() };
        },
        cleanup: () => fs.rm(dataDir, { recursive: true, force: true }),
      };
    }));

  test('PostgreSQL', async (t) => {
    const probe = await createTestDatabase();
    if (!probe) return t.skip(NO_POSTGRES);
    await probe.drop();
    await checkAgreement(t, async () => {
      const database = (await createTestDatabase())!;
      return {
        open: () => openDatabase({ dataDir: '', databaseUrl: database.url }),
        adapter: async () => ({ factory: new PrismaPgWholeScripts({ connectionString: database.url }), done: async () => {} }),
        cleanup: () => database.drop(),
      };
    });
  });
});
