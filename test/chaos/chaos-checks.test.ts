// The chaos command's checks find each kind of damage they claim to: on a real PGlite library and real files and logs.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readNodeLogs } from '../../bench/chaos/node-logs.js';
import { parseTopology, UsageError } from '../../bench/chaos/options.js';
import { listStore } from '../../bench/chaos/store-files.js';
import { checkTrial } from '../../bench/chaos/trial-checks.js';
import { FileImageStore, openDatabase, type Database } from '../../src/library/index.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

interface Made {
  id: string;
}

/** A generation row in a state a trial may leave, with its images stored as the image sink stores them. */
async function generation(db: Database, store: FileImageStore, options: { status: string; batchSize: number; attempts?: number; seed?: number; images: string[] }): Promise<Made> {
  const text = 'a chaos check';
  const prompt = (await db.prisma.prompt.findFirst({ where: { text } })) ?? (await db.prisma.prompt.create({ data: { text, normalized: text, useCount: 1 } }));
  const row = await db.prisma.generation.create({
    data: {
      promptId: prompt.id,
      ...{ model: 'tiny', sampler: 'euler', steps: 2, guidanceScale: 7, width: 64, height: 64, seed: options.seed ?? 1, batchSize: options.batchSize },
      status: options.status as 'COMPLETED',
      attempts: options.attempts ?? 1,
      ...(options.status === 'FAILED' ? { error: 'it broke' } : {}),
    },
  });
  for (const [index, content] of options.images.entries()) {
    const file = await store.put(bytes(content));
    await db.prisma.image.create({ data: { generationId: row.id, index, seed: index + 1, width: 64, height: 64, sha256: file.sha256, path: file.path } });
  }
  return row;
}

describe('chaos checks', () => {
  test('count lost, run-twice, missing, corrupt, divergent, orphan and temporary damage, and nothing in a clean job', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-chaos-check-'));
    const db = await openDatabase({ dataDir });
    const store = new FileImageStore(dataDir);
    const clean = await generation(db, store, { status: 'COMPLETED', batchSize: 2, images: ['first', 'second'] });
    const queued = await generation(db, store, { status: 'QUEUED', batchSize: 1, images: [] });
    const short = await generation(db, store, { status: 'COMPLETED', batchSize: 2, seed: 2, images: ['only one'] });
    const fileGone = await generation(db, store, { status: 'COMPLETED', batchSize: 1, seed: 3, images: ['deleted'] });
    const torn = await generation(db, store, { status: 'COMPLETED', batchSize: 1, seed: 4, images: ['torn'] });
    const twice = await generation(db, store, { status: 'COMPLETED', batchSize: 1, seed: 5, images: ['twice'] });
    // The same request as `clean`, run again after a kill, and its first image came out different.
    const rerun = await generation(db, store, { status: 'COMPLETED', batchSize: 2, attempts: 2, images: ['not first', 'second'] });
    const failed = await generation(db, store, { status: 'FAILED', batchSize: 1, seed: 6, images: [] });
    const unacknowledged = await generation(db, store, { status: 'CANCELLED', batchSize: 1, seed: 7, images: [] });
    const images = await db.prisma.image.findMany({ include: { generation: true } });
    await db.close();
    await fs.rm(path.join(dataDir, images.find((i) => i.generationId === fileGone.id)!.path));
    await fs.writeFile(path.join(dataDir, images.find((i) => i.generationId === torn.id)!.path), 'half of it');
    const orphan = await store.put(bytes('no row names me'));
    await fs.writeFile(path.join(dataDir, `${orphan.path}.0123456789ab.tmp`), 'a write cut short');

    const accepted = [clean, queued, short, fileGone, torn, twice, rerun, failed].map((g) => g.id).concat('never-stored');
    const logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-chaos-logs-'));
    const logFile = path.join(logDir, 'all-1.1.log');
    await fs.writeFile(logFile, [twice.id, twice.id, clean.id].map((jobId) => JSON.stringify({ time: 1, msg: 'job completed', jobId })).join('\n'));
    const logs = readNodeLogs([{ name: 'all-1', incarnations: [{ number: 1, logFile, spawnedAt: 0 }] }]);

    const { counts, namedFiles } = await checkTrial({ dataDir, databaseUrl: undefined }, accepted, logs, await listStore(dataDir), new Map());
    const { failures, ...numbers } = counts;
    assert.deepEqual(numbers, {
      ...{ accepted: 9, unacknowledged: 1, completed: 6, cancelled: 1, failed: 1 },
      ...{ lost: 2, runTwice: 1, missing: 2, corrupt: 1, divergent: 1, rerun: 1, rerunImagesCompared: 2, orphans: 1, temporary: 1 },
    });
    assert.ok(failures.some((f) => f.includes(unacknowledged.id)) === false, 'a cancelled unacknowledged row is no failure');
    assert.ok(failures.some((f) => f === `failed ${failed.id}: it broke`));
    assert.equal(namedFiles.size, new Set(images.map((i) => i.path)).size);
  });

  test('a kill: the jobs it interrupted, and the time until the node served again and they ran again', async () => {
    const logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-chaos-logs-'));
    const line = (time: number, msg: string, jobId?: string): string => JSON.stringify({ time, msg, ...(jobId ? { jobId } : {}) });
    const first = path.join(logDir, 'all-1.1.log');
    const second = path.join(logDir, 'all-1.2.log');
    await fs.writeFile(first, [line(100, 'job started', 'a'), line(200, 'job completed', 'a'), line(300, 'job started', 'b'), line(310, 'job started', 'c'), '{"time":4'].join('\n'));
    await fs.writeFile(second, [line(2500, 'job started', 'b'), line(2600, 'job completed', 'b')].join('\n'));
    const incarnations = [
      { number: 1, logFile: first, spawnedAt: 0, killedAt: 400, servingAt: 50 },
      { number: 2, logFile: second, spawnedAt: 500, servingAt: 2000 },
    ];
    const [kill] = readNodeLogs([{ name: 'all-1', incarnations }]).kills;
    assert.deepEqual(kill?.interrupted.sort(), ['b', 'c']);
    assert.equal(kill?.recoverMs, undefined, 'c never ran again');
    await fs.appendFile(second, `\n${line(3400, 'job started', 'c')}\n${line(3500, 'job completed', 'c')}`);
    const findings = readNodeLogs([{ name: 'all-1', incarnations }]);
    assert.equal(findings.kills[0]?.recoverMs, 3000);
    assert.deepEqual(findings.openRuns, []);
    assert.equal(findings.starts.get('b'), 2);
  });

  test('a topology names roles with counts, and needs a node for the API and one for jobs', () => {
    assert.deepEqual(parseTopology('api:1,worker:2'), [
      { role: 'api', count: 1 },
      { role: 'worker', count: 2 },
    ]);
    assert.deepEqual(parseTopology('all'), [{ role: 'all', count: 1 }]);
    for (const bad of ['worker:2', 'api', 'all:0', 'gpu:1', 'all,all', '']) assert.throws(() => parseTopology(bad), UsageError, bad);
  });
});
