/**
 * Reads a SentencePiece model file (`spiece.model`, the slow T5 tokenizer that diffusers' SD3 and FLUX
 * folders ship beside or instead of tokenizer.json): a protobuf ModelProto, of which the tokenizer needs the
 * pieces with their scores and types, the special ids and the normaliser's settings. Only those fields are
 * decoded; the rest (the trainer's other options, self-test data) is skipped by wire type.
 */

/** SentencePiece's piece types (sentencepiece_model.proto). */
export type PieceType = 'normal' | 'unknown' | 'control' | 'userDefined' | 'unused' | 'byte';
const PIECE_TYPES: Record<number, PieceType> = { 1: 'normal', 2: 'unknown', 3: 'control', 4: 'userDefined', 5: 'unused', 6: 'byte' };

export interface SentencePiece {
  piece: string;
  score: number;
  type: PieceType;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  /** 'unigram' for T5; BPE, word and char models exist but are not what these pipelines use. */
  modelType: 'unigram' | 'bpe' | 'word' | 'char';
  unkId: number;
  /** -1 where the model has none (T5 has no start token). */
  bosId: number;
  eosId: number;
  padId: number;
  byteFallback: boolean;
  normalizer: {
    name: string;
    /** The normalisation rules compiled to a double-array trie (nmt_nfkc for T5); empty for `identity`. */
    precompiledCharsmap: Uint8Array;
    /** Whether a "▁" is put before the text, so that its first word is spelled as the others are. */
    addDummyPrefix: boolean;
    /** Whether leading, trailing and repeated whitespace is dropped. */
    removeExtraWhitespaces: boolean;
  };
}

const MODEL_TYPES: Record<number, SentencePieceModel['modelType']> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

/** Parses the bytes of a `.model` file; throws on anything that is not a SentencePiece model. */
export function readSentencePieceModel(bytes: Uint8Array): SentencePieceModel {
  const model: SentencePieceModel = {
    pieces: [],
    modelType: 'unigram',
    // The proto's defaults, for fields a file leaves out.
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    byteFallback: false,
    normalizer: { name: '', precompiledCharsmap: new Uint8Array(), addDummyPrefix: true, removeExtraWhitespaces: true },
  };
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.bytes) model.pieces.push(readPiece(field.bytes));
    else if (field.number === 2 && field.bytes) readTrainerSpec(field.bytes, model);
    else if (field.number === 3 && field.bytes) readNormalizerSpec(field.bytes, model.normalizer);
  }
  if (model.pieces.length === 0) throw new Error('not a SentencePiece model: it has no pieces');
  for (const [name, id] of [['unk', model.unkId], ['eos', model.eosId]] as const) {
    if (id < 0 || id >= model.pieces.length) throw new Error(`SentencePiece model's ${name}_id ${id} is not one of its ${model.pieces.length} pieces`);
  }
  return model;
}

function readPiece(bytes: Uint8Array): SentencePiece {
  const piece: SentencePiece = { piece: '', score: 0, type: 'normal' };
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.bytes) piece.piece = utf8.decode(field.bytes);
    else if (field.number === 2 && field.fixed32 !== undefined) piece.score = field.fixed32;
    else if (field.number === 3 && field.varint !== undefined) piece.type = PIECE_TYPES[Number(field.varint)] ?? 'normal';
  }
  return piece;
}

function readTrainerSpec(bytes: Uint8Array, model: SentencePieceModel): void {
  for (const { number, varint: big } of fields(bytes)) {
    const varint = big === undefined ? undefined : Number(big);
    if (varint === undefined || big === undefined) continue;
    // int32 ids are sent as 64-bit two's complement varints: -1 arrives as 2^64 - 1, so keep the low 32 bits.
    const id = Number(BigInt.asIntN(32, big));
    if (number === 3) model.modelType = MODEL_TYPES[varint] ?? model.modelType;
    else if (number === 35) model.byteFallback = varint !== 0;
    else if (number === 40) model.unkId = id;
    else if (number === 41) model.bosId = id;
    else if (number === 42) model.eosId = id;
    else if (number === 43) model.padId = id;
  }
}

function readNormalizerSpec(bytes: Uint8Array, normalizer: SentencePieceModel['normalizer']): void {
  for (const field of fields(bytes)) {
    if (field.number === 1 && field.bytes) normalizer.name = utf8.decode(field.bytes);
    else if (field.number === 2 && field.bytes) normalizer.precompiledCharsmap = field.bytes;
    else if (field.number === 3 && field.varint !== undefined) normalizer.addDummyPrefix = field.varint !== 0n;
    else if (field.number === 4 && field.varint !== undefined) normalizer.removeExtraWhitespaces = field.varint !== 0n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Field {
  number: number;
  varint?: bigint;
  fixed32?: number;
  bytes?: Uint8Array;
}

/** The fields of one protobuf message, in order; throws on a truncated or malformed message. */
function* fields(bytes: Uint8Array): Generator<Field> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new Error('not a SentencePiece model: a field runs past the end');
      const byte = bytes[at++]!;
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return value;
    }
    throw new Error('not a SentencePiece model: a varint is longer than 10 bytes');
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) yield { number, varint: varint() };
    else if (wire === 1) at += 8;
    else if (wire === 2) {
      const length = Number(varint());
      if (at + length > bytes.length) throw new Error('not a SentencePiece model: a field runs past the end');
      yield { number, bytes: bytes.subarray(at, at + length) };
      at += length;
    } else if (wire === 5) {
      if (at + 4 > bytes.length) throw new Error('not a SentencePiece model: a field runs past the end');
      yield { number, fixed32: view.getFloat32(at, true) };
      at += 4;
    } else throw new Error(`not a SentencePiece model: unknown protobuf wire type ${wire}`);
  }
}
