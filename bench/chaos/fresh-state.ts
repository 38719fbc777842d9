/**
 * Fresh state for every trial: a data folder and a database as a first start leaves them, made by copying a
 * template migrated once per run (migrating PGlite takes a node tens of seconds on a busy machine).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/library/index.js';
import { writeTinyModel } from '../../src/test-models/tiny/write-tiny-model.js';
import type { DatabaseMode } from './options.js';

/** What one trial runs on; `dispose` removes it. */
export interface TrialState {
  dir: string;
  dataDir: string;
  /** postgresql://... of the trial's own database; undefined for the embedded database in dataDir. */
  databaseUrl: string | undefined;
  /** A key prefix of the trial's own in Redis. */
  redisPrefix: string;
  dispose(): Promise<void>;
}

/** Made once per run: the tiny model, and a migrated database to copy. */
export class StateFactory {
  private constructor(
    readonly root: string,
    readonly modelsDir: string,
    private readonly templateDataDir: string,
    private readonly postgres: { adminUrl: string; template: string } | undefined,
  ) {}

  static async create(database: DatabaseMode, postgresUrl: string): Promise<StateFactory> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'atelier-chaos-'));
    const modelsDir = path.join(root, 'models');
    await writeTinyModel(path.join(modelsDir, 'tiny'));
    const templateDataDir = path.join(root, 'template-data');
    let postgres: { adminUrl: string; template: string } | undefined;
    if (database === 'postgres') {
      const template = `atelier_chaos_template_${randomBytes(4).toString('hex')}`;
      await adminQuery(postgresUrl, `CREATE DATABASE "${template}"`);
      postgres = { adminUrl: postgresUrl, template };
      const db = await openDatabase({ dataDir: templateDataDir, databaseUrl: databaseUrl(postgresUrl, template) });
      await db.close();
    } else {
      const db = await openDatabase({ dataDir: templateDataDir });
      await db.close();
    }
    return new StateFactory(root, modelsDir, templateDataDir, postgres);
  }

  async fresh(trial: number): Promise<TrialState> {
    const dir = path.join(this.root, `trial-${String(trial).padStart(4, '0')}`);
    const dataDir = path.join(dir, 'data');
    await fs.mkdir(dir, { recursive: true });
    let url: string | undefined;
    let name: string | undefined;
    if (this.postgres) {
      await fs.mkdir(dataDir, { recursive: true });
      name = `atelier_chaos_${randomBytes(6).toString('hex')}`;
      await adminQuery(this.postgres.adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${this.postgres.template}"`);
      url = databaseUrl(this.postgres.adminUrl, name);
    } else {
      await fs.cp(this.templateDataDir, dataDir, { recursive: true });
    }
    const adminUrl = this.postgres?.adminUrl;
    return {
      dir,
      dataDir,
      databaseUrl: url,
      redisPrefix: `atelier-chaos-${randomBytes(6).toString('hex')}:`,
      dispose: async () => {
        if (adminUrl && name) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  }

  /** Drops the template database; the folder goes unless something in it is kept for a look. */
  async close(removeFolder: boolean): Promise<void> {
    if (this.postgres) await adminQuery(this.postgres.adminUrl, `DROP DATABASE IF EXISTS "${this.postgres.template}" WITH (FORCE)`);
    if (removeFolder) await fs.rm(this.root, { recursive: true, force: true });
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A port nobody listens on right now; the node keeps it across restarts, as behind a load balancer. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
