// `npm run build:web`: type-checks web/ and bundles it with Vite into dist/web, which the server serves. Part
// of `npm run build` (so `npm ci`, `npm start` and `npm test` build it); skipped when nothing it reads has
// changed since the last build (web/, package-lock.json, schema.graphql), so a rebuild of the server stays quick.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/web');
const stamp = path.join(root, 'dist/web-inputs.sha256');

function inputsHash() {
  const hash = createHash('sha256');
  const files = ['package-lock.json', 'schema.graphql', ...fs.readdirSync(path.join(root, 'web'), { recursive: true }).map((file) => path.join('web', file))];
  for (const file of files.sort()) {
    const full = path.join(root, file);
    if (!fs.statSync(full).isFile()) continue;
    hash.update(file).update('\0').update(fs.readFileSync(full)).update('\0');
  }
  return hash.digest('hex');
}

const wanted = inputsHash();
if (!process.argv.includes('--force') && fs.existsSync(path.join(out, 'index.html')) && fs.existsSync(path.join(out, 'graphiql.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) {
  console.log('build:web: up to date');
  process.exit(0);
}
const run = (args) => {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
// The app's operations typed from the schema first: one the schema no longer accepts stops the build here.
run([path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'web/codegen.yml', '--silent']);
run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'web']);
run([path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
fs.writeFileSync(stamp, wanted);
