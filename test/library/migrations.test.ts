import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createPGlite } from '../../src/library/db/pglite.js';
import { pgliteRunner } from '../../src/library/db/database.js';
import { checksumMatches } from '../../src/library/db/migrate.js';
import { applyMigrations, MigrationError, openDatabase, readMigrations, type Migration } from '../../src/library/index.js';
import { createTestDatabase, NO_POSTGRES } from './pg-test-database.js';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

async function recorded(db: Awaited<ReturnType<typeof openDatabase>>): Promise<MigrationRow[]> {
  return db.prisma.$queryRaw<MigrationRow[]>`SELECT "migration_name", "checksum", "finished_at", "applied_steps_count" FROM "_prisma_migrations" ORDER BY "migration_name"`;
}

async function checkMigrations(options: { dataDir: string; databaseUrl?: string }): Promise<void> {
  const migrations = await readMigrations();
  assert.ok(migrations.length >= 1);

  const first = await openDatabase(options);
  const rows = await recorded(first);
  assert.deepEqual(
    rows.map((r) => r.migration_name),
    migrations.map((m) => m.name),
  );
  for (const [i, row] of rows.entries()) {
    const file = await fs.readFile(path.join('prisma/migrations', row.migration_name, 'migration.sql'));
    assert.equal(row.checksum, createHash('sha256').update(file).digest('hex'));
    assert.equal(migrations[i]!.checksum, row.checksum);
    assert.ok(row.finished_at instanceof Date);
    assert.equal(row.applied_steps_count, 1);
  }
  // The tables exist and work through Prisma.
  const prompt = await first.prisma.prompt.create({ data: { text: 'A cat', normalized: 'a cat' } });
  assert.equal((await first.prisma.prompt.findUniqueOrThrow({ where: { id: prompt.id } })).text, 'A cat');
  await first.close();

  // Opening again applies nothing and keeps the data.
  const second = await openDatabase(options);
  assert.equal((await recorded(second)).length, migrations.length);
  assert.equal(await second.prisma.prompt.count(), 1);

  // An applied migration edited afterwards is refused with a clear message.
  await second.prisma.$executeRaw`UPDATE "_prisma_migrations" SET "checksum" = 'tampered'`;
  await second.close();
  await assert.rejects(openDatabase(options), (error: unknown) => {
    assert.ok(error instanceof MigrationError);
    assert.match(error.message, /was changed after it was applied/);
    return true;
  });
}

describe('migrations are applied at start-up and recorded in _prisma_migrations', () => {
  test('embedded PGlite', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-migrate-'));
    try {
      await checkMigrations({ dataDir });
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL', async (t) => {
    const database = await createTestDatabase();
    if (!database) return t.skip(NO_POSTGRES);
    try {
      await checkMigrations({ dataDir: '', databaseUrl: database.url });
    } finally {
      await database.drop();
    }
  });
});

describe('the migrator', () => {
  const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });

  test('a failing migration is rolled back whole, named in the error, and not recorded', async () => {
    const pglite = createPGlite();
    try {
      const runner = pgliteRunner(pglite);
      const good = migration('1_good', 'CREATE TABLE "A" ("id" TEXT NOT NULL);');
      const bad = migration('2_bad', 'CREATE TABLE "B" ("id" TEXT NOT NULL);\nCREATE TABLE "A" ("id" TEXT NOT NULL);');
      await assert.rejects(applyMigrations(runner, [good, bad]), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, /migration 2_bad failed and was rolled back: .*"A" already exists/);
        return true;
      });
      const recorded = await runner.query<{ migration_name: string }>('SELECT "migration_name" FROM "_prisma_migrations"');
      assert.deepEqual(recorded.map((r) => r.migration_name), ['1_good']);
      assert.deepEqual(await runner.query(`SELECT to_regclass('"B"') AS "b"`), [{ b: null }]); // its first statement too
      // Fixed, it applies on the next start.
      assert.deepEqual(await applyMigrations(runner, [good, migration('2_bad', 'CREATE TABLE "B" ("id" TEXT NOT NULL);')]), ['2_bad']);
    } finally {
      await pglite.close();
    }
  });

  test('line-ending changes alone do not count as an edit (as in Prisma)', () => {
    const lf = migration('1', '-- one\nCREATE TABLE "A" ("id" TEXT);\n');
    const crlf = migration('1', lf.sql.replace(/\n/g, '\r\n'));
    assert.ok(checksumMatches(crlf, lf.checksum));
    assert.ok(checksumMatches(lf, crlf.checksum));
    assert.ok(!checksumMatches(migration('1', lf.sql.replace('one', 'two')), lf.checksum));
  });

  test('several servers starting at once on PostgreSQL apply each migration once', async (t) => {
    const database = await createTestDatabase();
    if (!database) return t.skip(NO_POSTGRES);
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ dataDir: '', databaseUrl: database.url })));
      const rows = await recorded(opened[0]!);
      assert.deepEqual(rows.map((r) => r.migration_name), (await readMigrations()).map((m) => m.name));
      await Promise.all(opened.map((db) => db.close()));
    } finally {
      await database.drop();
    }
  });
});
