// The prompt_uses migration: a library from before it gets each account's own use count and dates, from its
// generations (and its CSV presets, which are in its library without a use).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPGlite } from '../../src/library/db/pglite.js';
import { pgliteRunner } from '../../src/library/db/database.js';
import { applyMigrations, readMigrations } from '../../src/library/index.js';

const MIGRATION = 'prompt_uses';

test('the prompt_uses migration backfills each account\'s uses from its generations and presets', async () => {
  const pglite = createPGlite();
  try {
    const runner = pgliteRunner(pglite);
    const migrations = await readMigrations();
    const at = migrations.findIndex((m) => m.name.endsWith(`_${MIGRATION}`));
    assert.ok(at > 0, 'the migration exists');
    await applyMigrations(runner, migrations.slice(0, at));

    await runner.exec(`
      INSERT INTO "Account" ("id", "name", "role") VALUES ('alice', 'alice', 'USER'), ('bob', 'bob', 'USER');
      INSERT INTO "Prompt" ("id", "text", "normalized", "useCount") VALUES ('p1', 'a fox', 'a fox', 3), ('p2', 'a wolf', 'a wolf', 0);
      INSERT INTO "Generation" ("id", "promptId", "ownerId", "model", "sampler", "steps", "guidanceScale", "width", "height", "seed", "batchSize", "status", "createdAt") VALUES
        ('g1', 'p1', 'alice', 'm', 'euler', 1, 7, 64, 64, 1, 1, 'COMPLETED', '2026-01-01 10:00:00'),
        ('g2', 'p1', 'alice', 'm', 'euler', 1, 7, 64, 64, 1, 1, 'FAILED', '2026-01-03 10:00:00'),
        ('g3', 'p1', 'bob', 'm', 'euler', 1, 7, 64, 64, 1, 1, 'COMPLETED', '2026-01-02 10:00:00');
      INSERT INTO "PromptPreset" ("id", "promptId", "ownerId", "createdAt") VALUES
        ('s1', 'p2', 'bob', '2026-01-05 10:00:00'), ('s2', 'p1', 'bob', '2026-01-06 10:00:00');
    `);
    await applyMigrations(runner, migrations);

    const rows = await runner.query<{ promptId: string; ownerId: string; useCount: number; createdAt: Date; lastUsedAt: Date }>(
      `SELECT "promptId", "ownerId", "useCount", "createdAt", "lastUsedAt" FROM "PromptUse" ORDER BY "promptId", "ownerId"`,
    );
    const day = (date: Date) => date.toISOString().slice(0, 10);
    assert.deepEqual(
      rows.map((r) => [r.promptId, r.ownerId, r.useCount, day(r.createdAt), day(r.lastUsedAt)]),
      [
        ['p1', 'alice', 2, '2026-01-01', '2026-01-03'],
        // Bob's preset of a prompt he also generated with does not add a use or move his dates.
        ['p1', 'bob', 1, '2026-01-02', '2026-01-02'],
        ['p2', 'bob', 0, '2026-01-05', '2026-01-05'],
      ],
    );
  } finally {
    await pglite.close();
  }
});
