/**
 * Prompt tokenizers for the text encoders, read from a model folder's tokenizer folders with transformers.js:
 * CLIP's byte-level BPE (start and end token around the prompt) and T5's SentencePiece Unigram (end token
 * only; SD3's tokenizer_3/, FLUX's tokenizer_2/).
 *
 * Only local files are read: `env.allowRemoteModels = false` plus `local_files_only`, and the folder is passed as
 * an absolute path (transformers.js treats a relative "a/b" as a hub id under `env.localModelPath`, while an
 * absolute path is used as is). Diffusers exports often ship only the slow tokenizer files (vocab.json +
 * merges.txt, or for T5 spiece.model); for those we build the equivalent fast `tokenizer.json` in memory, as
 * transformers' converters do, since transformers.js needs that format.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, CLIPTokenizer, env, T5Tokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { replaceAddedTokens, type AddedTokens, type TokenReplacement } from './added-tokens.js';
import { clipTokenizerJson } from './clip-tokenizer-json.js';
import { chunkTokens } from './prompt-chunks.js';
import { readSentencePieceModel } from './sentencepiece-model.js';
import { t5TokenizerJson } from './t5-tokenizer-json.js';

env.allowRemoteModels = false;

/** CLIP's context length; also the fallback when a config gives no usable model_max_length. */
const CLIP_MAX_LENGTH = 77;
/** transformers' slow CLIPTokenizer reads at most this many merges (vocab 49152 - 256 bytes - 2 specials). */
const CLIP_MAX_MERGES = 49152 - 256 - 2;
/** T5's tokenizer_config.json default: <extra_id_0> .. <extra_id_99> after the pieces. */
const T5_EXTRA_IDS = 100;

/** CLIP: start and end tokens around the prompt; T5: the prompt then the end token. */
export type TokenizerKind = 'clip' | 't5';

export interface TokenizedPrompts {
  /** texts.length rows of maxLength ids: start, prompt tokens, end, then padding. */
  inputIds: Int32Array;
  /** True where the prompt had more than maxLength - 2 tokens and the rest was cut off. */
  truncated: boolean[];
  /** Prompt tokens per text before truncation, not counting the start and end tokens. */
  tokenCounts: number[];
}

export interface TokenizedWeightedPrompts extends TokenizedPrompts {
  /** One emphasis weight per id in inputIds (1 for start, end and padding). */
  weights: Float32Array;
  /** Rows (chunks of maxLength ids) per prompt. */
  chunkCount: number;
}

export class PromptTokenizer {
  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    /** Ids per encoded prompt, start and end tokens included (77 for CLIP). */
    readonly maxLength: number,
    /** Null for T5, which has no start token. */
    readonly startTokenId: number | null,
    readonly endTokenId: number,
    readonly padTokenId: number,
    /** CLIP's BPE or T5's SentencePiece, whose whitespace rule tokenIds applies. */
    readonly kind: TokenizerKind,
    /** Textual-inversion names and the ids they become (added-tokens.ts). */
    private readonly replacements: readonly TokenReplacement[] = [],
  ) {}

  /** This tokenizer with textual-inversion tokens: their names become their ids, the end token may move. */
  withAddedTokens(added: AddedTokens): PromptTokenizer {
    const end = added.endTokenId ?? this.endTokenId;
    const pad = this.padTokenId === this.endTokenId ? end : this.padTokenId;
    const replacements = [...this.replacements, ...added.words.map((w) => ({ match: this.tokenIds(w.name), ids: w.ids }))];
    return new PromptTokenizer(this.tokenizer, this.maxLength, this.startTokenId, end, pad, this.kind, replacements);
  }

  /** Loads `tokenizerDir` (e.g. `<model>/tokenizer`); rejects when the folder lacks a usable tokenizer. */
  static async load(tokenizerDir: string, kind: TokenizerKind = 'clip'): Promise<PromptTokenizer> {
    const dir = path.resolve(tokenizerDir);
    const configPath = path.join(dir, 'tokenizer_config.json');
    if (!(await exists(configPath))) throw new Error(`no tokenizer in ${dir}: tokenizer_config.json is missing`);
    const tokenizer = await loadTokenizer(dir, configPath, kind);

    const start = tokenizer.bos_token_id;
    const end = tokenizer.eos_token_id;
    if (end === undefined) throw new Error(`tokenizer in ${dir} has no end token (eos_token)`);
    if (kind === 'clip' && start === undefined) throw new Error(`tokenizer in ${dir} has no start token (bos_token), so it is not CLIP's`);
    const configured = Number(tokenizer.model_max_length);
    // Configs without a limit say 1e30 (transformers' "very large integer"); CLIP's position table has 77.
    const maxLength = Number.isInteger(configured) && configured >= 3 && configured <= 1024 ? configured : CLIP_MAX_LENGTH;
    // T5 pads with <pad> (id 0); CLIP exports without a pad token pad with the end token.
    return new PromptTokenizer(tokenizer, maxLength, kind === 't5' ? null : start!, end, tokenizer.pad_token_id ?? end, kind);
  }

  /** Prompt tokens a row holds: maxLength less the start (if any) and end tokens. */
  get room(): number {
    return this.maxLength - (this.startTokenId === null ? 1 : 2);
  }

  /** The prompt's token ids, without start/end tokens and without truncation. */
  tokenIds(text: string): number[] {
    // SentencePiece drops leading, trailing and repeated whitespace before it looks for pieces; transformers'
    // tokenizer.json for T5 only collapses runs of spaces, which would leave a "▁" token at either end.
    const cleaned = this.kind === 't5' ? text.replace(/\s+/g, ' ').trim() : text;
    return replaceAddedTokens(this.tokenizer.encode(cleaned, { add_special_tokens: false }), this.replacements);
  }

  /** One row per text: start (CLIP), the first `room` prompt tokens, end, then the pad id up to maxLength. */
  encode(texts: string[]): TokenizedPrompts {
    const { inputIds, truncated, tokenCounts } = this.encodeChunked(texts.map((text) => [{ text, weight: 1 }]), 1);
    return { inputIds, truncated, tokenCounts };
  }

  /**
   * Prompts given as fragments with emphasis weights (each fragment tokenized on its own, as AUTOMATIC1111
   * does), as rows of maxLength ids: `chunkCount` rows per prompt, prompt after prompt. With `maxChunks` 1 a
   * prompt keeps its first `room` tokens; with more, long prompts fill several chunks (see
   * prompt-chunks.ts) and every prompt gets as many chunks as the longest, the missing ones empty.
   */
  encodeChunked(prompts: Array<Array<{ text: string; weight: number; isBreak?: boolean }>>, maxChunks: number): TokenizedWeightedPrompts {
    const room = this.room;
    const start = this.startTokenId === null ? [] : [this.startTokenId];
    const commaId = this.tokenIds(',')[0];
    const perPrompt = prompts.map((fragments) => {
      const tokenized = fragments.map((f) => ({ ids: f.isBreak ? [] : this.tokenIds(f.text), weight: f.weight, isBreak: f.isBreak }));
      const total = tokenized.reduce((n, f) => n + f.ids.length, 0);
      const chunks =
        maxChunks === 1
          ? [{ ids: tokenized.flatMap((f) => f.ids), weights: tokenized.flatMap((f) => f.ids.map(() => f.weight)) }]
          : chunkTokens(tokenized, room, commaId);
      return { chunks, total };
    });
    const chunkCount = Math.min(maxChunks, Math.max(...perPrompt.map((p) => p.chunks.length)));
    const rows = prompts.length * chunkCount;
    const inputIds = new Int32Array(rows * this.maxLength).fill(this.padTokenId);
    const weights = new Float32Array(rows * this.maxLength).fill(1);
    perPrompt.forEach(({ chunks }, p) => {
      for (let c = 0; c < chunkCount; c++) {
        const chunk = chunks[c] ?? { ids: [], weights: [] };
        const offset = (p * chunkCount + c) * this.maxLength;
        inputIds.set([...start, ...chunk.ids.slice(0, room), this.endTokenId], offset);
        weights.set(chunk.weights.slice(0, room), offset + start.length);
      }
    });
    return {
      inputIds,
      weights,
      chunkCount,
      truncated: perPrompt.map(({ chunks }) => chunks.length > chunkCount || chunks.some((c) => c.ids.length > room)),
      tokenCounts: perPrompt.map(({ total }) => total),
    };
  }
}

/** The folder's tokenizer: tokenizer.json when there is one, else the slow files of its kind converted. */
async function loadTokenizer(dir: string, configPath: string, kind: TokenizerKind): Promise<PreTrainedTokenizer> {
  if (await exists(path.join(dir, 'tokenizer.json'))) return AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const config = await readJson(configPath);
  if (kind === 't5') {
    if (!(await exists(path.join(dir, 'spiece.model')))) throw new Error(`no tokenizer in ${dir}: need tokenizer.json or spiece.model`);
    return new T5Tokenizer(await tokenizerJsonFromSentencePiece(dir, config), config);
  }
  if ((await exists(path.join(dir, 'vocab.json'))) && (await exists(path.join(dir, 'merges.txt')))) {
    return new CLIPTokenizer(await tokenizerJsonFromSlowFiles(dir, config), config);
  }
  throw new Error(`no tokenizer in ${dir}: need tokenizer.json, or vocab.json and merges.txt`);
}

/** tokenizer.json built from T5's spiece.model, equivalent to what transformers' T5 converter writes. */
async function tokenizerJsonFromSentencePiece(dir: string, config: Record<string, unknown>): Promise<object> {
  const file = path.join(dir, 'spiece.model');
  let model;
  try {
    model = readSentencePieceModel(await readFile(file));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (model.modelType !== 'unigram') throw new Error(`${file} is a SentencePiece ${model.modelType} model; T5's is unigram`);
  if (model.byteFallback) throw new Error(`${file} uses byte fallback, which T5's tokenizer does not`);
  const extraIds = typeof config.extra_ids === 'number' && Number.isInteger(config.extra_ids) && config.extra_ids >= 0 ? config.extra_ids : T5_EXTRA_IDS;
  return t5TokenizerJson({
    pieces: model.pieces.map(({ piece, score }) => [piece, score]),
    unkId: model.unkId,
    eosId: model.eosId,
    padId: model.padId,
    extraIds,
    precompiledCharsmap: model.normalizer.precompiledCharsmap,
    addDummyPrefix: model.normalizer.addDummyPrefix,
  });
}

/** tokenizer.json built from vocab.json + merges.txt, equivalent to what transformers' converter writes. */
async function tokenizerJsonFromSlowFiles(dir: string, config: Record<string, unknown>): Promise<object> {
  const vocab = (await readJson(path.join(dir, 'vocab.json'))) as Record<string, number>;
  const merges = (await readFile(path.join(dir, 'merges.txt'), 'utf8'))
    .split('\n')
    .filter((line, i) => line.trim() !== '' && !(i === 0 && line.startsWith('#version')))
    .slice(0, CLIP_MAX_MERGES);
  const special = (['bos_token', 'eos_token', 'unk_token'] as const)
    .map((key) => tokenContent(config[key]))
    .filter((content): content is string => content !== undefined && vocab[content] !== undefined);
  const unk = tokenContent(config.unk_token);
  const bos = tokenContent(config.bos_token);
  const eos = tokenContent(config.eos_token);
  const withId = (content: string | undefined) => (content !== undefined && vocab[content] !== undefined ? { content, id: vocab[content]! } : null);
  return clipTokenizerJson({
    vocab,
    merges,
    specialTokens: [...new Set(special)].map((content) => ({ content, id: vocab[content]! })),
    start: withId(bos),
    end: withId(eos),
    unknownToken: unk ?? null,
  });
}

/** A special token in tokenizer_config.json is a string or an AddedToken object with `content`. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
