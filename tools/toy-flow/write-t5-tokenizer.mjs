// Writes the toy-flow model's T5 tokenizer (T5's file formats, SentencePiece Unigram) for the words given on the
// command line, with the same writer as `npm run model:tiny`'s flow models, so every word of the toy world is one
// piece. Usage: node tools/toy-flow/write-t5-tokenizer.mjs <output folder> <max length> <word>...   (after `npm run build`)
import fs from 'node:fs';
import path from 'node:path';
import { buildTinyT5Tokenizer, t5TokenizerFiles } from '../../dist/src/test-models/tiny/tiny-t5-tokenizer.js';

const [outDir, maxLength, ...words] = process.argv.slice(2);
if (!outDir || !Number(maxLength) || words.length === 0) {
  console.error('usage: node tools/toy-flow/write-t5-tokenizer.mjs <output folder> <max length> <word>...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(t5TokenizerFiles(buildTinyT5Tokenizer(words), Number(maxLength)))) {
  fs.writeFileSync(path.join(outDir, name), text);
}
