/**
 * The Hugging Face fast-tokenizer description (tokenizer.json) of a CLIP byte-level BPE tokenizer. Used
 * to write the tiny model's tokenizer and to load exports that ship only vocab.json + merges.txt.
 */

export interface ClipTokenizerParts {
  /** token -> id; any JSON value (the tiny model writer passes a placeholder it splices in ordered text). */
  vocab: unknown;
  /** "a b" merge rules in priority order. */
  merges: string[];
  /** Special tokens with their ids. */
  specialTokens: Array<{ content: string; id: number }>;
  /** Start and end tokens wrapped around every sequence; null when the vocabulary has none. */
  start: { content: string; id: number } | null;
  end: { content: string; id: number } | null;
  unknownToken: string | null;
}

export function clipTokenizerJson(parts: ClipTokenizerParts): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: parts.specialTokens.map(({ content, id }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    // CLIP: NFC, runs of whitespace to one space, lowercase.
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    // CLIP's word pattern (contractions, letter runs, single digits, punctuation runs; whitespace dropped),
    // then each word's UTF-8 bytes as printable byte-level symbols.
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor:
      parts.start && parts.end
        ? {
            type: 'RobertaProcessing',
            sep: [parts.end.content, parts.end.id],
            cls: [parts.start.content, parts.start.id],
            trim_offsets: false,
            add_prefix_space: false,
          }
        : null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: parts.unknownToken,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: parts.vocab,
      merges: parts.merges,
    },
  };
}
