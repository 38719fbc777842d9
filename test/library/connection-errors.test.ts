// Which real errors count as "the database did not answer": a connection PostgreSQL terminated, a server
// nothing listens for; and which do not: a refused statement, a file-system error. And that a pool whose
// connections are terminated again and again keeps answering (and the process keeps running).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import { test } from 'node:test';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { asStorageFault } from '../../src/generation/storage-fault.js';
import { PrismaClient } from '../../src/library/db/generated/client.js';
import { isDatabaseUnreachable, openDatabase } from '../../src/library/index.js';
import { eventually } from '../support/node-process.js';
import { createTestDatabase, NO_POSTGRES } from './pg-test-database.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail('expected a rejection');
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('terminated connections count as unreachable, refused statements do not, and the pool keeps answering', { timeout: 120_000 }, async (t) => {
  const handle = await createTestDatabase();
  if (!handle) return t.skip(NO_POSTGRES);
  const db = await openDatabase({ dataDir: ':memory:', databaseUrl: handle.url });
  const admin = new pg.Client({ connectionString: handle.url });
  await admin.connect();
  const terminateOthers = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  try {
    // A statement running when its connection is terminated (57P01), inside a transaction and on its own.
    const sleeping = () =>
      eventually('the statement to run', async () => ((await admin.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`)).rowCount ? true : undefined));
    for (const statement of [
      () => db.prisma.$executeRaw`SELECT pg_sleep(30)`,
      () => db.prisma.$transaction(async (tx) => tx.$executeRaw`SELECT pg_sleep(30)`),
    ]) {
      const failed = rejection(statement());
      await sleeping();
      await terminateOthers();
      const error = await failed;
      assert.equal(isDatabaseUnreachable(error), true, String(error));
    }

    // A transaction whose connection is terminated between two statements.
    const betweenStatements = await rejection(
      db.prisma.$transaction(async (tx) => {
        await tx.generation.count();
        await terminateOthers();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.generation.count();
      }),
    );
    assert.equal(isDatabaseUnreachable(betweenStatements), true, String(betweenStatements));

    // Refusals: a statement the database rejects, a row that breaks a constraint.
    const division = await rejection(db.prisma.$queryRaw`SELECT 1 / 0`);
    assert.equal(isDatabaseUnreachable(division), false, String(division));
    const syntax = await rejection(db.prisma.$queryRawUnsafe('SELEC 1'));
    assert.equal(isDatabaseUnreachable(syntax), false, String(syntax));
    const orphan = await rejection(db.prisma.image.create({ data: { generationId: 'none', index: 0, seed: 1, width: 1, height: 1, sha256: 'x', path: 'x' } }));
    assert.equal(isDatabaseUnreachable(orphan), false, String(orphan));

    // Connections terminated every few milliseconds under a stream of queries and transactions: each either
    // answers or fails as unreachable, and afterwards the pool answers again.
    let dropping = true;
    const drops = (async () => {
      while (dropping) {
        await terminateOthers();
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const outcomes = { answered: 0, unreachable: 0 };
    for (let i = 0; i < 300; i++) {
      try {
        await db.prisma.$transaction(async (tx) => {
          await tx.generation.count();
          await new Promise((resolve) => setTimeout(resolve, 1));
          await tx.$queryRaw`SELECT 1`;
        });
        outcomes.answered++;
      } catch (error) {
        assert.equal(isDatabaseUnreachable(error), true, String(error));
        outcomes.unreachable++;
      }
    }
    dropping = false;
    await drops;
    t.diagnostic(JSON.stringify(outcomes));
    assert.ok(outcomes.unreachable > 0, 'the drops hit no transaction');
    assert.equal(await db.prisma.generation.count(), 0);
  } finally {
    await admin.end();
    await db.close();
    await handle.drop();
  }
});

test('a database nothing listens for counts as unreachable; a file-system error does not', async () => {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: `postgresql://postgres@127.0.0.1:${await closedPort()}/none` }) });
  try {
    const refused = await rejection(prisma.generation.count());
    assert.equal(isDatabaseUnreachable(refused), true, String(refused));
  } finally {
    await prisma.$disconnect();
  }
  const missing = await rejection(fs.readFile('/nonexistent/atelier/file.png'));
  assert.equal(isDatabaseUnreachable(missing), false);
  assert.equal(isDatabaseUnreachable(asStorageFault(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT', syscall: 'open' }))), false);
});
