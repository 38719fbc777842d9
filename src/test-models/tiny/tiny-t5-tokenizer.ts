/**
 * A small T5-style SentencePiece Unigram tokenizer for the tiny flow models' T5 encoders, written in the
 * files a real T5 tokenizer folder has (Hugging Face fast `tokenizer.json`, `tokenizer_config.json`,
 * `special_tokens_map.json`), so that the code loading FLUX's tokenizer_2/ and SD3's tokenizer_3/ loads it
 * unchanged: <pad> 0, </s> 1, <unk> 2, no start token, "▁" before every word, the 100 `<extra_id_N>`
 * sentinels after the pieces.
 *
 * The pieces: "▁" + each built-in prompt word (scored so that a whole word beats spelling it), "▁" alone and
 * single characters (lowercase and capital letters, digits, punctuation) to spell the rest.
 */
import { T5_SPACE, t5TokenizerJson } from '../../diffusion/text/t5-tokenizer-json.js';
import { PROMPT_WORDS } from './prompt-words.js';

const SPECIAL = ['<pad>', '</s>', '<unk>'] as const;
const EXTRA_IDS = 100;
const CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ...'.,;:!?\'"()[]{}-_/&+*#%@'];

export interface TinyT5Tokenizer {
  /** [piece, score] in id order. */
  pieces: Array<[string, number]>;
  padId: number;
  eosId: number;
  /** Pieces and sentinels: the encoder's embedding rows. */
  vocabSize: number;
}

export function buildTinyT5Tokenizer(words: readonly string[] = PROMPT_WORDS): TinyT5Tokenizer {
  const unique = [...new Set(words)];
  const pieces: Array<[string, number]> = [
    ...SPECIAL.map((piece): [string, number] => [piece, 0]),
    [T5_SPACE, -2],
    // A word's own piece scores above any spelling of it: one piece at about -3 against several below -5.
    ...unique.map((word, i): [string, number] => [T5_SPACE + word, -3 - i / unique.length]),
    ...CHARACTERS.map((c, i): [string, number] => [c, -6 - i / CHARACTERS.length]),
  ];
  return { pieces, padId: 0, eosId: 1, vocabSize: pieces.length + EXTRA_IDS };
}

/** The folder's files, name -> text; `maxLength` is model_max_length (T5's tokens, end token included). */
export function t5TokenizerFiles(tokenizer: TinyT5Tokenizer, maxLength: number): Record<string, string> {
  const fast = t5TokenizerJson({
    pieces: tokenizer.pieces,
    unkId: 2,
    eosId: tokenizer.eosId,
    padId: tokenizer.padId,
    extraIds: EXTRA_IDS,
    precompiledCharsmap: new Uint8Array(),
    addDummyPrefix: true,
  });
  const sentinels = Array.from({ length: EXTRA_IDS }, (_, i) => `<extra_id_${i}>`);
  const config = {
    tokenizer_class: 'T5Tokenizer',
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    extra_ids: EXTRA_IDS,
    additional_special_tokens: sentinels,
    model_max_length: maxLength,
    clean_up_tokenization_spaces: true,
  };
  const specialTokensMap = { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>', additional_special_tokens: sentinels };
  return {
    'tokenizer.json': `${JSON.stringify(fast, null, 2)}\n`,
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
    'special_tokens_map.json': `${JSON.stringify(specialTokensMap, null, 2)}\n`,
  };
}
