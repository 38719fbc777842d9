/** The PostgreSQL connection pool Prisma's queries go through, kept alive when the server drops connections. */
import pg from 'pg';

/**
 * A pool whose clients always have an 'error' listener. pg-pool listens on idle clients only, and
 * `@prisma/adapter-pg` starts listening on a transaction's client one tick after checking it out: a connection
 * the server terminates right then (a restart, a failover, pg_terminate_backend) emitted an 'error' nobody
 * heard, which ends the process. Heard here, the client is marked unusable all the same, its query fails
 * and the pool drops it when it is released.
 */
export function openPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  // pg-pool re-emits an idle client's error on the pool (and removes the client): unheard, it ends the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}
