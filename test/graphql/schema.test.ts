import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { printAppSchema } from '../../src/graphql/schema.js';

const root = new URL('../../../', import.meta.url);

test('schema.graphql is the schema the code builds (run `npm run schema` after changing the API)', async () => {
  const committed = await fs.readFile(new URL('schema.graphql', root), 'utf8');
  assert.equal(await printAppSchema(), committed);
});

test('the typed test operations are generated from the committed schema (run `npm run codegen`)', async () => {
  process.chdir(new URL('.', root).pathname);
  const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
  const [output] = await generate({ ...config, silent: true }, false);
  const committed = await fs.readFile(new URL('test/generated/operations.ts', root), 'utf8');
  assert.equal(output?.content, committed);
});
