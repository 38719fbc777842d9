/**
 * The embedded database's own vacuum and analyse (PGlite runs no autovacuum): on a real PGlite database in a
 * temporary folder, a pass gives the planner row counts and lets index-only scans skip the table, and later
 * passes do only the tables changed past autovacuum's thresholds.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../src/library/index.js';

const PROMPTS = 3000;

async function insertPrompts(db: Database, from: number, count: number): Promise<void> {
  await db.prisma.$executeRaw`
    INSERT INTO "Prompt" (id, text, normalized, "useCount")
    SELECT 'p' || i, 'prompt number ' || i, 'prompt number ' || i, i % 97 FROM generate_series(${from}::int, ${from + count - 1}::int) AS i`;
}

/** The planner's idea of the table's size (-1: never vacuumed or analysed). */
async function plannerRows(db: Database): Promise<number> {
  const [row] = await db.prisma.$queryRaw<Array<{ rows: number }>>`SELECT reltuples::float8 AS rows FROM pg_class WHERE relname = 'Prompt'`;
  return row!.rows;
}

/** Table visits of an index-only walk of the use-count index (0 once the visibility map marks every page). */
async function heapFetches(db: Database): Promise<number> {
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
    await tx.$executeRawUnsafe('SET LOCAL enable_bitmapscan = off');
    const plan = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN (ANALYZE, COSTS OFF) SELECT "useCount", id FROM "Prompt" ORDER BY "useCount" DESC, id`);
    const text = plan.map((line) => line['QUERY PLAN']).join('\n');
    assert.match(text, /Index Only Scan using "Prompt_useCount_id_idx"/, text);
    return Number(/Heap Fetches: (\d+)/.exec(text)![1]);
  });
}

describe('the embedded database vacuums and analyses itself', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-maintenance-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('a pass analyses and vacuums every table, then only what changed past the thresholds', async () => {
    const db = await openDatabase({ dataDir: path.join(dir, 'by-hand') });
    try {
      await insertPrompts(db, 0, PROMPTS);
      assert.equal(await plannerRows(db), -1, 'never analysed yet');
      assert.ok((await heapFetches(db)) >= PROMPTS, 'before a vacuum every row is checked in the table');

      assert.deepEqual(await db.maintain!(), ['*'], 'the first pass after opening does every table');
      assert.equal(await plannerRows(db), PROMPTS);
      assert.equal(await heapFetches(db), 0);

      assert.deepEqual(await db.maintain!(), [], 'nothing changed: nothing to do');
      // 10% + 50 of the table changed is past the analyse threshold, 20% + 50 dead rows past the vacuum one.
      await db.prisma.$executeRaw`UPDATE "Prompt" SET "useCount" = "useCount" + 1 WHERE id < 'p2'`;
      assert.ok((await db.maintain!()).includes('Prompt'));
      assert.equal(await heapFetches(db), 0, 'the updated rows were vacuumed too');
      assert.deepEqual(await db.maintain!(), []);
    } finally {
      await db.close();
    }
  });

  it('runs on its own every interval, and close waits for a pass under way', async () => {
    const db = await openDatabase({ dataDir: path.join(dir, 'on-its-own'), maintenance: { intervalMs: 50 } });
    try {
      await insertPrompts(db, 0, PROMPTS);
      // Waits for the timer's first pass (no time asserted: the loop ends when the pass has run).
      while ((await plannerRows(db)) !== PROMPTS) await new Promise((resolve) => setTimeout(resolve, 20));
      await insertPrompts(db, PROMPTS, PROMPTS);
      while ((await plannerRows(db)) !== 2 * PROMPTS) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await db.close();
    }
  });
});
