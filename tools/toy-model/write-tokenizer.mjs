// Writes the toy model's tokenizer (CLIP's file formats) for the words given on the command line, with the
// same BPE trainer as `npm run model:tiny`, so every word of the toy world is one token.
// Usage: node tools/toy-model/write-tokenizer.mjs <output folder> <word>...   (after `npm run build`)
import fs from 'node:fs';
import path from 'node:path';
import { buildTinyTokenizer, tokenizerFiles } from '../../dist/src/test-models/tiny/tiny-tokenizer.js';

const [outDir, ...words] = process.argv.slice(2);
if (!outDir || words.length === 0) {
  console.error('usage: node tools/toy-model/write-tokenizer.mjs <output folder> <word>...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
for (const [name, text] of Object.entries(tokenizerFiles(buildTinyTokenizer(words)))) {
  fs.writeFileSync(path.join(outDir, name), text);
}
