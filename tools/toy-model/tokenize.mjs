// Tokenizes texts with the project's own CLIP tokenizer (the one the pipeline uses), for the Python training
// scripts: words outside the toy vocabulary ("bar", "toy-sunset") become BPE pieces, exactly as Atelier
// will split them. Reads a JSON array of texts on stdin, writes a JSON array of 77-id rows (after `npm run build`).
//   echo '["a large red bar"]' | node tools/toy-model/tokenize.mjs [models/toy-shapes/tokenizer]
import { PromptTokenizer } from '../../dist/src/diffusion/text/tokenizer.js';

const dir = process.argv[2] ?? 'models/toy-shapes/tokenizer';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const texts = JSON.parse(input);
const tokenizer = await PromptTokenizer.load(dir);
const { inputIds, truncated } = tokenizer.encode(texts);
if (truncated.some(Boolean)) throw new Error('a text is longer than the tokenizer allows');
const rows = texts.map((_, i) => Array.from(inputIds.subarray(i * tokenizer.maxLength, (i + 1) * tokenizer.maxLength)));
process.stdout.write(JSON.stringify(rows));
