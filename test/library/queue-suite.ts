/** Tests over the real job queue with two accounts, alice and bob, on PGlite or PostgreSQL. */
import { DatabaseJobQueue, type Database } from '../../src/library/index.js';
import { suiteBackend } from './pg-test-database.js';

export interface QueueSuite {
  /** Declares a test that runs on a queue with no generations (skipped when PostgreSQL is not there). */
  readonly it: (title: string, body: () => Promise<void>) => void;
  readonly prisma: Database['prisma'];
  readonly queue: DatabaseJobQueue;
}

/** `clear` removes, before each test, what the suite's tests leave besides generations. */
export function queueSuite(backend: 'PGlite' | 'PostgreSQL', clear: (prisma: Database['prisma']) => Promise<unknown>): QueueSuite {
  let prisma: Database['prisma'];
  let queue: DatabaseJobQueue;
  const it = suiteBackend(backend, {
    opened: async (db) => {
      prisma = db.prisma;
      queue = new DatabaseJobQueue(prisma);
      for (const id of ['alice', 'bob']) await prisma.account.create({ data: { id, name: id } });
    },
    reset: async () => {
      await prisma.generation.deleteMany();
      await clear(prisma);
    },
  });
  return {
    it,
    get prisma() {
      return prisma;
    },
    get queue() {
      return queue;
    },
  };
}
