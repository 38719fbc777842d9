/**
 * PromptTokenizer with the real CLIP ViT-L/14 tokenizer of Stable Diffusion 1.x from ../shared/reference/
 * (relative to the project root). Expected ids come from tokenizer-cases.json, computed with OpenAI's reference
 * tokenizer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';

// Compiled to dist/test/diffusion/, three levels below the project root.
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const referenceDir = path.resolve(projectRoot, '../shared/reference');
const tokenizerDir = path.join(referenceDir, 'clip-tokenizer');
const casesPath = path.join(referenceDir, 'tokenizer-cases.json');
const missing = !existsSync(tokenizerDir) || !existsSync(casesPath);
const skip = missing ? `reference data not found at ${referenceDir} (../shared/reference from the project root)` : false;

const START = 49406;
const END = 49407; // also CLIP's pad token
const cases = missing ? [] : (JSON.parse(readFileSync(casesPath, 'utf8')) as { prompt: string; ids: number[] }[]);

function row(ids: Int32Array, index: number, length: number): number[] {
  return [...ids.subarray(index * length, (index + 1) * length)];
}

test('CLIP tokenizer from tokenizer.json gives the reference ids, padded to 77', { skip }, async () => {
  const tokenizer = await PromptTokenizer.load(tokenizerDir);
  assert.equal(tokenizer.maxLength, 77);
  const { inputIds, truncated, tokenCounts } = tokenizer.encode(cases.map((c) => c.prompt));
  assert.equal(inputIds.length, cases.length * 77);
  cases.forEach((c, i) => {
    const encoded = row(inputIds, i, 77);
    assert.deepEqual(encoded.slice(0, c.ids.length), c.ids, `ids of ${JSON.stringify(c.prompt)}`);
    assert.deepEqual(encoded.slice(c.ids.length), new Array(77 - c.ids.length).fill(END), 'padding');
    assert.equal(truncated[i], false);
    assert.equal(tokenCounts[i], c.ids.length - 2);
    assert.deepEqual(tokenizer.tokenIds(c.prompt), c.ids.slice(1, -1));
  });
});

test('a long prompt keeps start, the first 75 tokens and end, and is reported truncated', { skip }, async () => {
  const tokenizer = await PromptTokenizer.load(tokenizerDir);
  const long = Array.from({ length: 40 }, (_, i) => `red cat ${i}`).join(', ');
  const all = tokenizer.tokenIds(long);
  assert.ok(all.length > 75, `test prompt should exceed 75 tokens, has ${all.length}`);
  const { inputIds, truncated, tokenCounts } = tokenizer.encode([long, 'a photo of a cat']);
  assert.deepEqual(row(inputIds, 0, 77), [START, ...all.slice(0, 75), END]);
  assert.deepEqual(truncated, [true, false]);
  assert.deepEqual(tokenCounts, [all.length, 5]);
});

test('75 prompt tokens fit exactly; 76 are truncated', { skip }, async () => {
  const tokenizer = await PromptTokenizer.load(tokenizerDir);
  const cats = (n: number): string => new Array<string>(n).fill('cat').join(' ');
  assert.equal(tokenizer.tokenIds(cats(75)).length, 75);
  const { inputIds, truncated } = tokenizer.encode([cats(75), cats(76)]);
  assert.deepEqual(truncated, [false, true]);
  assert.deepEqual(row(inputIds, 0, 77), row(inputIds, 1, 77));
  assert.equal(inputIds[76], END);
});

test('a folder with only the slow files (vocab.json, merges.txt) gives the same ids', { skip }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atelier-slow-tokenizer-'));
  try {
    for (const file of ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
      await symlink(path.join(tokenizerDir, file), path.join(dir, file));
    }
    const slow = await PromptTokenizer.load(dir);
    const fast = await PromptTokenizer.load(tokenizerDir);
    const prompts = [...cases.map((c) => c.prompt), 'Ünïcödé  café\tnaïve — “quotes” 🐱 emoji, x86_64 3.14159']; 
    assert.deepEqual(slow.encode(prompts), fast.encode(prompts));
    cases.forEach((c) => assert.deepEqual(slow.tokenIds(c.prompt), c.ids.slice(1, -1)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a relative path is read from the file system, not taken as a hub id', { skip }, async () => {
  // "clip-tokenizer" alone would be a valid hub model id; it must still mean ./clip-tokenizer.
  const cwd = process.cwd();
  process.chdir(referenceDir);
  try {
    const tokenizer = await PromptTokenizer.load('clip-tokenizer');
    assert.deepEqual(tokenizer.tokenIds('a photo of a cat'), [320, 1125, 539, 320, 2368]);
  } finally {
    process.chdir(cwd);
  }
});

test('a folder without a tokenizer is rejected with a clear message', async () => {
  await assert.rejects(PromptTokenizer.load('/nonexistent/model/tokenizer'), /no tokenizer in .*tokenizer_config\.json is missing/);
});
