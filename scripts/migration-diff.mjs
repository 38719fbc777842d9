// The SQL that schema.prisma needs beyond prisma/migrations, computed by Prisma's own schema engine (its
// WebAssembly build; `prisma migrate dev` needs the native engine, which cannot be installed offline).
//   node scripts/migration-diff.mjs            prints the pending SQL; exit code 2 when there is some
//   node scripts/migration-diff.mjs add_tags   writes it to prisma/migrations/<UTC timestamp>_add_tags/
// Run after `tsc` (it uses the compiled dist/); needs the dev dependency @prisma/schema-engine-wasm.
import fs from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../dist/src/library/db/migrate.js';
import { pendingMigrationSql } from '../dist/src/library/db/schema-engine.js';

const name = process.argv[2];
if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) {
  console.error('migration name: lower-case letters, digits and underscores, e.g. add_tags');
  process.exit(1);
}

const sql = await pendingMigrationSql();
if (sql === null) {
  console.error('@prisma/schema-engine-wasm is not installed (npm install)');
  process.exit(1);
}
if (sql === '') {
  console.error('prisma/migrations already matches prisma/schema.prisma');
  process.exit(0);
}
if (name === undefined) {
  process.stdout.write(sql);
  process.exit(2);
}
// Prisma's folder naming: YYYYMMDDHHMMSS in UTC, then the name.
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
await fs.mkdir(folder);
await fs.writeFile(path.join(folder, 'migration.sql'), sql);
console.error(`wrote ${path.relative(process.cwd(), folder)}/migration.sql`);
