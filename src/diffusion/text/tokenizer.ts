/**
 * CLIP prompt tokenizer for the text encoders, read from a model folder's `tokenizer/` with transformers.js.
 *
 * Only local files are read: `env.allowRemoteModels = false` plus `local_files_only`, and the folder is passed as
 * an absolute path (transformers.js treats a relative "a/b" as a hub id under `env.localModelPath`, while an
 * absolute path is used as is). Diffusers exports often ship only the slow tokenizer files (vocab.json +
 * merges.txt); for those we build the equivalent fast `tokenizer.json` in memory, as transformers' CLIP
 * converter does, since transformers.js needs that format.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer, CLIPTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { replaceAddedTokens, type AddedTokens, type TokenReplacement } from './added-tokens.js';
import { clipTokenizerJson } from './clip-tokenizer-json.js';
import { chunkTokens } from './prompt-chunks.js';

env.allowRemoteModels = false;

/** CLIP's context length; also the fallback when a config gives no usable model_max_length. */
const CLIP_MAX_LENGTH = 77;
/** transformers' slow CLIPTokenizer reads at most this many merges (vocab 49152 - 256 bytes - 2 specials). */
const CLIP_MAX_MERGES = 49152 - 256 - 2;

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
    readonly startTokenId: number,
    readonly endTokenId: number,
    readonly padTokenId: number,
    /** Textual-inversion names and the ids they become (added-tokens.ts). */
    private readonly replacements: readonly TokenReplacement[] = [],
  ) {}

  /** This tokenizer with textual-inversion tokens: their names become their ids, the end token may move. */
  withAddedTokens(added: AddedTokens): PromptTokenizer {
    const end = added.endTokenId ?? this.endTokenId;
    const pad = this.padTokenId === this.endTokenId ? end : this.padTokenId;
    const replacements = [...this.replacements, ...added.words.map((w) => ({ match: this.tokenIds(w.name), ids: w.ids }))];
    return new PromptTokenizer(this.tokenizer, this.maxLength, this.startTokenId, end, pad, replacements);
  }

  /** Loads `tokenizerDir` (e.g. `<model>/tokenizer`); rejects when the folder lacks a usable tokenizer. */
  static async load(tokenizerDir: string): Promise<PromptTokenizer> {
    const dir = path.resolve(tokenizerDir);
    const configPath = path.join(dir, 'tokenizer_config.json');
    if (!(await exists(configPath))) throw new Error(`no tokenizer in ${dir}: tokenizer_config.json is missing`);
    let tokenizer: PreTrainedTokenizer;
    if (await exists(path.join(dir, 'tokenizer.json'))) {
      tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    } else if ((await exists(path.join(dir, 'vocab.json'))) && (await exists(path.join(dir, 'merges.txt')))) {
      const config = await readJson(configPath);
      tokenizer = new CLIPTokenizer(await tokenizerJsonFromSlowFiles(dir, config), config);
    } else {
      throw new Error(`no tokenizer in ${dir}: need tokenizer.json, or vocab.json and merges.txt`);
    }

    const start = tokenizer.bos_token_id;
    const end = tokenizer.eos_token_id;
    if (start === undefined || end === undefined) {
      throw new Error(`tokenizer in ${dir} has no start/end tokens (bos_token, eos_token), so it is not CLIP's`);
    }
    const configured = Number(tokenizer.model_max_length);
    // Configs without a limit say 1e30 (transformers' "very large integer"); CLIP's position table has 77.
    const maxLength = Number.isInteger(configured) && configured >= 3 && configured <= 1024 ? configured : CLIP_MAX_LENGTH;
    return new PromptTokenizer(tokenizer, maxLength, start, end, tokenizer.pad_token_id ?? end);
  }

  /** The prompt's token ids, without start/end tokens and without truncation. */
  tokenIds(text: string): number[] {
    return replaceAddedTokens(this.tokenizer.encode(text, { add_special_tokens: false }), this.replacements);
  }

  /** One row per text: start, the first maxLength - 2 prompt tokens, end, then the pad id up to maxLength. */
  encode(texts: string[]): TokenizedPrompts {
    const { inputIds, truncated, tokenCounts } = this.encodeChunked(texts.map((text) => [{ text, weight: 1 }]), 1);
    return { inputIds, truncated, tokenCounts };
  }

  /**
   * Prompts given as fragments with emphasis weights (each fragment tokenized on its own, as AUTOMATIC1111
   * does), as rows of maxLength ids: `chunkCount` rows per prompt, prompt after prompt. With `maxChunks` 1 a
   * prompt keeps its first maxLength - 2 tokens; with more, long prompts fill several chunks (see
   * prompt-chunks.ts) and every prompt gets as many chunks as the longest, the missing ones empty.
   */
  encodeChunked(prompts: Array<Array<{ text: string; weight: number; isBreak?: boolean }>>, maxChunks: number): TokenizedWeightedPrompts {
    const room = this.maxLength - 2;
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
        inputIds.set([this.startTokenId, ...chunk.ids.slice(0, room), this.endTokenId], offset);
        weights.set(chunk.weights.slice(0, room), offset + 1);
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
