/** PGlite with the extensions our SQL needs, for the embedded database and for Prisma's schema engine. */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * An embedded PGlite database with the extensions the library's SQL uses (pg_trgm for typo-tolerant search, pgvector for semantic search),
 * so that the same migrations run here as on PostgreSQL. In memory when `location` is undefined.
 */
export function createPGlite(location?: string): PGlite {
  return new PGlite({ ...(location ? { dataDir: location } : {}), extensions: { pg_trgm, vector } });
}

/**
 * The Prisma adapter for PGlite, except that the shadow database Prisma's schema engine builds migrations in
 * has the same extensions (the adapter's own shadow PGlite has none, so `CREATE EXTENSION` fails there).
 */
export class PrismaPGliteWithExtensions extends PrismaPGlite {
  override connectToShadowDb(): ReturnType<PrismaPGlite['connect']> {
    return new PrismaPGlite(createPGlite()).connect();
  }
}
