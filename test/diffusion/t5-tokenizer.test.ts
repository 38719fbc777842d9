/**
 * PromptTokenizer's T5 kind (SD3's tokenizer_3/, FLUX's tokenizer_2/) against SentencePiece itself: the
 * fixture's spiece.model is a small Unigram model trained as T5's was (nmt_nfkc, <pad> 0, </s> 1, <unk> 2, no
 * start token), and cases.json holds the ids SentencePiece gave for each prompt with the end token after
 * (tools/t5-tokenizer/make_reference.py). Both of a folder's forms are read: spiece.model alone (converted
 * here) and the tokenizer.json that conversion gives, through transformers.js's own loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSentencePieceModel } from '../../src/diffusion/text/sentencepiece-model.js';
import { t5TokenizerJson } from '../../src/diffusion/text/t5-tokenizer-json.js';
import { PromptTokenizer } from '../../src/diffusion/text/tokenizer.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const fixtureDir = path.join(projectRoot, 'test/fixtures/t5-tokenizer');
const spiece = path.join(fixtureDir, 'spiece.model');
const reference = JSON.parse(readFileSync(path.join(fixtureDir, 'cases.json'), 'utf8')) as { pieces: number; cases: Array<{ text: string; ids: number[] }> };
const EOS = 1;
const PAD = 0;

/** tokenizer_config.json as T5's (google/t5-v1_1-xxl, FLUX's tokenizer_2) says it, with a given length. */
function t5Config(maxLength: number): string {
  return JSON.stringify({
    tokenizer_class: 'T5Tokenizer',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    extra_ids: 100,
    additional_special_tokens: Array.from({ length: 100 }, (_, i) => `<extra_id_${i}>`),
    model_max_length: maxLength,
  });
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atelier-t5-tokenizer-'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function spieceFolder(maxLength = 512): Promise<string> {
  const dir = await folder({ 'tokenizer_config.json': t5Config(maxLength) });
  await copyFile(spiece, path.join(dir, 'spiece.model'));
  return dir;
}

test('spiece.model is read as SentencePiece wrote it: pieces, special ids, normaliser', () => {
  const model = readSentencePieceModel(readFileSync(spiece));
  assert.equal(model.pieces.length, reference.pieces);
  assert.equal(model.modelType, 'unigram');
  assert.deepEqual([model.padId, model.eosId, model.unkId, model.bosId], [0, 1, 2, -1]);
  assert.deepEqual(model.pieces.slice(0, 3).map((p) => [p.piece, p.type]), [['<pad>', 'control'], ['</s>', 'control'], ['<unk>', 'unknown']]);
  assert.equal(model.normalizer.name, 'nmt_nfkc');
  assert.ok(model.normalizer.precompiledCharsmap.length > 1000, 'the nmt_nfkc rules are compiled in');
  assert.equal(model.normalizer.addDummyPrefix, true);
  // Scores are log probabilities: negative, and the pieces after the specials are sorted by them.
  const scores = model.pieces.filter((p) => p.type === 'normal').map((p) => p.score);
  assert.ok(scores.every((s) => s < 0));
});

for (const form of ['spiece.model', 'tokenizer.json'] as const) {
  test(`T5 tokenizer from ${form} gives SentencePiece's ids, the end token after`, async () => {
    let dir: string;
    if (form === 'spiece.model') dir = await spieceFolder();
    else {
      const model = readSentencePieceModel(readFileSync(spiece));
      const json = t5TokenizerJson({
        pieces: model.pieces.map((p): [string, number] => [p.piece, p.score]),
        unkId: model.unkId,
        eosId: model.eosId,
        padId: model.padId,
        extraIds: 100,
        precompiledCharsmap: model.normalizer.precompiledCharsmap,
        addDummyPrefix: true,
      });
      dir = await folder({ 'tokenizer_config.json': t5Config(512), 'tokenizer.json': JSON.stringify(json) });
    }
    try {
      const tokenizer = await PromptTokenizer.load(dir, 't5');
      assert.equal(tokenizer.startTokenId, null);
      assert.equal(tokenizer.endTokenId, EOS);
      assert.equal(tokenizer.maxLength, 512);
      assert.equal(tokenizer.room, 511);
      for (const { text, ids } of reference.cases) assert.deepEqual([...tokenizer.tokenIds(text), EOS], ids, `ids of ${JSON.stringify(text)}`);
      // The sentinels follow the pieces, <extra_id_0> last, as in T5's vocabulary of 32,100.
      assert.deepEqual(tokenizer.tokenIds('<extra_id_0>'), [reference.pieces + 99]);
      assert.deepEqual(tokenizer.tokenIds('<extra_id_99>'), [reference.pieces]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('T5 rows: the prompt, the end token, then <pad>; a long prompt is cut to leave room for the end token', async () => {
  const dir = await spieceFolder(32);
  try {
    const tokenizer = await PromptTokenizer.load(dir, 't5');
    const short = reference.cases.find((c) => c.text === 'a samurai in the rain')!;
    const long = reference.cases.reduce((a, b) => (b.ids.length > a.ids.length ? b : a));
    assert.ok(long.ids.length > 32, 'a case longer than the row');
    const { inputIds, truncated, tokenCounts } = tokenizer.encode([short.text, long.text]);
    const rows = [[...inputIds.subarray(0, 32)], [...inputIds.subarray(32, 64)]];
    assert.deepEqual(rows[0], [...short.ids, ...new Array(32 - short.ids.length).fill(PAD)]);
    assert.deepEqual(rows[1], [...long.ids.slice(0, 31), EOS]);
    assert.deepEqual(truncated, [false, true]);
    assert.deepEqual(tokenCounts, [short.ids.length - 1, long.ids.length - 1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a broken or foreign spiece.model is refused with the file named', async () => {
  assert.throws(() => readSentencePieceModel(new Uint8Array([0x0a, 0x50, 0x01])), /not a SentencePiece model: .*runs past the end/);
  assert.throws(() => readSentencePieceModel(new Uint8Array([0x1a, 0x00])), /not a SentencePiece model: it has no pieces/);
  const dir = await folder({ 'tokenizer_config.json': t5Config(512), 'spiece.model': 'this is not a protobuf message at all' });
  try {
    await assert.rejects(PromptTokenizer.load(dir, 't5'), (error: Error) => error.message.includes(path.join(dir, 'spiece.model')) && /not a SentencePiece model/.test(error.message));
    // CLIP's loader does not take a SentencePiece folder for a BPE one.
    await assert.rejects(PromptTokenizer.load(dir), /need tokenizer.json, or vocab.json and merges.txt/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
