/** What a failed statement says about the database: whether it answered (and refused) or never did. */
import { Prisma } from './generated/client.js';

/**
 * The database answered the statement with an error (a constraint, a type, a value out of range): nothing
 * it would have written is written. Prisma's P2xxx codes are the query's own errors; P1xxx (and errors
 * without a code) are about reaching the database, after which the statement may or may not have committed.
 */
export function refusedByDatabase(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code.startsWith('P2');
}
