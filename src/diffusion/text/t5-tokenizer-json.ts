/**
 * The Hugging Face fast-tokenizer description (tokenizer.json) of T5's SentencePiece Unigram tokenizer, as
 * transformers' T5 converter writes it: the pieces and their scores as the vocabulary, the `<extra_id_N>`
 * sentinels after them (the last id is <extra_id_0>), the normaliser's charsmap, "▁" for spaces with one put
 * in front, and the end token after every sequence (T5 has no start token). Used to load folders that ship
 * only spiece.model, and to write the tiny models' T5 tokenizers.
 */

export interface T5TokenizerParts {
  /** [piece, score] in id order. */
  pieces: Array<[string, number]>;
  unkId: number;
  eosId: number;
  padId: number;
  /** Sentinels appended after the pieces (T5: 100; tokenizer_config.json's extra_ids). */
  extraIds: number;
  /** The SentencePiece normaliser's compiled rules (empty: none). */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
}

export const T5_SPACE = '\u2581';

export function t5TokenizerJson(parts: T5TokenizerParts): Record<string, unknown> {
  const sentinels = Array.from({ length: parts.extraIds }, (_, i): [string, number] => [`<extra_id_${parts.extraIds - 1 - i}>`, 0]);
  const vocab = [...parts.pieces, ...sentinels];
  const special = [parts.padId, parts.eosId, parts.unkId].filter((id) => id >= 0).sort((a, b) => a - b);
  const added = [...special.map((id) => ({ id, content: vocab[id]![0] })), ...sentinels.map(([content], i) => ({ id: parts.pieces.length + i, content }))];
  const eos = vocab[parts.eosId]![0];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added.map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        ...(parts.precompiledCharsmap.length > 0 ? [{ type: 'Precompiled', precompiled_charsmap: Buffer.from(parts.precompiledCharsmap).toString('base64') }] : []),
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: { type: 'Metaspace', replacement: T5_SPACE, prepend_scheme: parts.addDummyPrefix ? 'always' : 'never', split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
      special_tokens: { [eos]: { id: eos, ids: [parts.eosId], tokens: [eos] } },
    },
    decoder: { type: 'Metaspace', replacement: T5_SPACE, prepend_scheme: parts.addDummyPrefix ? 'always' : 'never', split: true },
    model: { type: 'Unigram', unk_id: parts.unkId, vocab, byte_fallback: false },
  };
}
