/**
 * Vacuuming and analysing the embedded database, which PostgreSQL's autovacuum would do: it does not run in
 * PGlite (one process, no background workers). Without it the tables are never analysed, so the planner
 * guesses every row count and frequency, and never vacuumed, so the covering use-count index (see the
 * search_word_counts migration) visits the table for every prompt it tests (100,000 short prompts: a typo
 * search's candidate walk took 73 ms, 37 ms once vacuumed) and the job queue's dead rows pile up.
 *
 * Every CHECK_INTERVAL_MS, the tables changed beyond autovacuum's own default thresholds since they were last
 * done are vacuumed and analysed. PGlite keeps no statistics across restarts, so the first pass after
 * opening does every table (cheap where nothing changed: vacuum skips the pages the visibility map marks).
 */
import type { PGlite } from '@electric-sql/pglite';

/** How often the tables' change counters are looked at. */
const CHECK_INTERVAL_MS = 60_000;

/**
 * autovacuum's defaults: vacuum past 50 dead rows + 20% of the table, or 1,000 inserted + 20%; analyse
 * past 50 changed rows + 10%.
 */
const TABLES_DUE = `
  SELECT s.relname AS name,
    (s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) OR s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0)) AS vacuum,
    s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) AS analyze
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`;

export interface MaintenanceOptions {
  /** Milliseconds between checks (tests shorten it). */
  intervalMs?: number;
  /** Told of a pass that failed; the next check tries again. */
  onError?: (error: unknown) => void;
}

export class EmbeddedMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;
  private firstPassDone = false;

  constructor(
    private readonly db: PGlite,
    private readonly options: MaintenanceOptions = {},
  ) {}

  /** Checks every interval from now on; the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.intervalMs ?? CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * One pass now (or the one under way): returns the tables vacuumed or analysed, `*` for all of them.
   * Runs between the library's own statements: PGlite runs one at a time.
   */
  runOnce(): Promise<string[]> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops checking and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<string[]> {
    // Counters reach pg_stat_user_tables at most once a second unless a flush is asked for; flushed before a
    // vacuum too, or changes made before it would be counted after it.
    await this.db.exec('SELECT pg_stat_force_next_flush()');
    if (!this.firstPassDone) {
      await this.db.exec('VACUUM (ANALYZE)');
      this.firstPassDone = true;
      return ['*'];
    }
    const due = (await this.db.query<{ name: string; vacuum: boolean; analyze: boolean }>(TABLES_DUE)).rows;
    const done: string[] = [];
    for (const table of due) {
      if (!table.vacuum && !table.analyze) continue;
      const name = `"${table.name.replace(/"/g, '""')}"`;
      await this.db.exec(table.vacuum ? `VACUUM (ANALYZE) ${name}` : `ANALYZE ${name}`);
      done.push(table.name);
    }
    return done;
  }
}
