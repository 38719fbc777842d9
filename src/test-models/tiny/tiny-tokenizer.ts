/**
 * A small CLIP-style byte-level BPE tokenizer, written in the same file formats as Stable Diffusion's CLIP
 * tokenizer (Hugging Face fast `tokenizer.json`, slow `vocab.json` + `merges.txt`, `tokenizer_config.json`,
 * `special_tokens_map.json`) so that the code loading real models loads it unchanged.
 *
 * The vocabulary is learned here, deterministically: the 256 byte symbols, the same with the end-of-word
 * marker `</w>`, then BPE merges trained on a built-in list of prompt words until every word is one token,
 * then `<|startoftext|>` and `<|endoftext|>` as the last two ids (the end token has the largest id, which
 * the text encoder relies on to find it with an argmax, as CLIP does).
 */
import { PROMPT_WORDS } from './prompt-words.js';
import { clipTokenizerJson } from '../../diffusion/text/clip-tokenizer-json.js';

export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';
const END_OF_WORD = '</w>';
export const MAX_LENGTH = 77;

export interface TinyTokenizer {
  /** Token -> id, in id order. */
  vocab: Map<string, number>;
  /** Merges in rank order, each a pair of symbols. */
  merges: [string, string][];
  startId: number;
  endId: number;
}

/**
 * GPT-2/CLIP's reversible byte -> printable symbol table, in CLIP's vocabulary order: bytes that are
 * printable Latin-1 stand for themselves and come first; the others (controls, space, ...) follow, mapped to
 * code points from 256 up.
 */
export function byteSymbolTable(): Map<number, string> {
  const table = new Map<number, string>();
  for (const [from, to] of [
    [0x21, 0x7e], // '!'..'~'
    [0xa1, 0xac], // '¡'..'¬'
    [0xae, 0xff], // '®'..'ÿ'
  ] as const) {
    for (let b = from; b <= to; b++) table.set(b, String.fromCodePoint(b));
  }
  let next = 256;
  for (let b = 0; b < 256; b++) if (!table.has(b)) table.set(b, String.fromCodePoint(next++));
  return table;
}

export function byteSymbols(): string[] {
  return [...byteSymbolTable().values()];
}

/** A word as byte-level symbols with `</w>` on the last one, as CLIP's BPE sees it. */
function wordSymbols(word: string, bytes: Map<number, string>): string[] {
  const symbols = [...new TextEncoder().encode(word)].map((b) => bytes.get(b)!);
  symbols[symbols.length - 1] += END_OF_WORD;
  return symbols;
}

/**
 * Classic BPE training: repeatedly merge the most frequent adjacent pair (ties broken by the pair's text,
 * so the result does not depend on Map iteration details), until no pair is left or `maxMerges` is reached.
 * A pair whose merged symbol is already in the vocabulary is skipped so that every id has a distinct token.
 */
export function trainMerges(words: Map<string, number>, maxMerges: number): [string, string][] {
  const bytes = byteSymbolTable();
  const corpus = [...words.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([w, n]) => ({ symbols: wordSymbols(w, bytes), count: n }));
  const known = new Set<string>(byteSymbols().flatMap((s) => [s, s + END_OF_WORD]));
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of corpus) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const merged = symbols[i]! + symbols[i + 1]!;
        if (known.has(merged)) continue;
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, count] of counts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push([left, right]);
    known.add(left + right);
    for (const word of corpus) word.symbols = applyMerge(word.symbols, left, right);
  }
  return merges;
}

function applyMerge(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

/**
 * The tokenizer learned from a word list (by default the built-in prompt words). Pure and deterministic.
 * The toy-shapes model's training tools build theirs from the toy world's vocabulary.
 */
export function buildTinyTokenizer(corpus: readonly string[] = PROMPT_WORDS, maxMerges = 2000): TinyTokenizer {
  const words = new Map<string, number>();
  for (const word of corpus) words.set(word, (words.get(word) ?? 0) + 1);
  const merges = trainMerges(words, maxMerges);
  const tokens = [...byteSymbols(), ...byteSymbols().map((s) => s + END_OF_WORD), ...merges.map(([a, b]) => a + b), START_TOKEN, END_TOKEN];
  const vocab = new Map(tokens.map((t, i) => [t, i] as const));
  if (vocab.size !== tokens.length) throw new Error('tiny tokenizer: duplicate token in the vocabulary');
  return { vocab, merges, startId: vocab.get(START_TOKEN)!, endId: vocab.get(END_TOKEN)! };
}

/**
 * The tokenizer's files, name -> text, as written to `<model>/tokenizer/`. SDXL's second tokenizer pads with
 * "!" (id 0) instead of the end token; the tiny T5 encoders' tokenizers say a longer model_max_length.
 */
export function tokenizerFiles(tokenizer: TinyTokenizer, padToken = END_TOKEN, modelMaxLength = MAX_LENGTH): Record<string, string> {
  // In id order, as Hugging Face writes it. A plain object would not keep it: JavaScript puts integer-like
  // keys ("0".."9") first, so the vocabulary is spliced in as text.
  const vocabPlaceholder = '\u0000vocab\u0000';
  const vocabJson = (indent: string) =>
    `{\n${[...tokenizer.vocab].map(([token, id]) => `${indent}  ${JSON.stringify(token)}: ${id}`).join(',\n')}\n${indent}}`;
  const merges = tokenizer.merges.map(([a, b]) => `${a} ${b}`);
  const special = (content: string) => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false });
  const withId = (content: string) => ({ content, id: tokenizer.vocab.get(content)! });
  const fast = clipTokenizerJson({
    vocab: vocabPlaceholder,
    merges,
    specialTokens: [withId(START_TOKEN), withId(END_TOKEN)],
    start: withId(START_TOKEN),
    end: withId(END_TOKEN),
    unknownToken: END_TOKEN,
  });

  const config = {
    add_prefix_space: false,
    bos_token: { __type: 'AddedToken', ...special(START_TOKEN) },
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: { __type: 'AddedToken', ...special(END_TOKEN) },
    errors: 'replace',
    model_max_length: modelMaxLength,
    pad_token: padToken,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: { __type: 'AddedToken', ...special(END_TOKEN) },
  };
  const specialTokensMap = {
    bos_token: special(START_TOKEN),
    eos_token: special(END_TOKEN),
    pad_token: padToken,
    unk_token: special(END_TOKEN),
  };

  return {
    'tokenizer.json': `${JSON.stringify(fast, null, 2).replace(JSON.stringify(vocabPlaceholder), () => vocabJson('    '))}\n`,
    'vocab.json': `${vocabJson('')}\n`,
    // The slow tokenizer skips the first line of merges.txt, which CLIP uses for a version header.
    'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
    'special_tokens_map.json': `${JSON.stringify(specialTokensMap, null, 2)}\n`,
  };
}
