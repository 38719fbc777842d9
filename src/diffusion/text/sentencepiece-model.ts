/**
 * Reads a SentencePiece model file (`spiece.model`, the slow T5 tokenizer that diffusers' SD3 and FLUX
 * folders ship beside or instead of tokenizer.json): a protobuf ModelProto, of which the tokenizer needs the
 * pieces with their scores and types, the special ids and the normaliser's settings. Only those fields are
 * decoded; the rest (the trainer's other options, self-test data) is skipped by wire type.
 */
import { fieldText, ProtobufFormatError, WIRE_BYTES, WIRE_FIXED32, WIRE_VARINT, wireFields } from '../model/protobuf-wire.js';

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

/** ModelProto's fields: its pieces, the trainer's settings, the normaliser's. */
const MODEL = { pieces: 1, trainerSpec: 2, normalizerSpec: 3 };
const PIECE = { piece: 1, score: 2, type: 3 };
const TRAINER = { modelType: 3, byteFallback: 35, unkId: 40, bosId: 41, eosId: 42, padId: 43 };
const NORMALIZER = { name: 1, precompiledCharsmap: 2, addDummyPrefix: 3, removeExtraWhitespaces: 4 };

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
  try {
    for (const f of wireFields(bytes, 0, bytes.length)) {
      if (f.wireType !== WIRE_BYTES) continue;
      if (f.field === MODEL.pieces) model.pieces.push(readPiece(bytes, f.valueStart, f.end));
      else if (f.field === MODEL.trainerSpec) readTrainerSpec(bytes, f.valueStart, f.end, model);
      else if (f.field === MODEL.normalizerSpec) readNormalizerSpec(bytes, f.valueStart, f.end, model.normalizer);
    }
  } catch (error) {
    if (error instanceof ProtobufFormatError) throw new Error(`not a SentencePiece model: ${error.message}`);
    throw error;
  }
  if (model.pieces.length === 0) throw new Error('not a SentencePiece model: it has no pieces');
  for (const [name, id] of [['unk', model.unkId], ['eos', model.eosId]] as const) {
    if (id < 0 || id >= model.pieces.length) throw new Error(`SentencePiece model's ${name}_id ${id} is not one of its ${model.pieces.length} pieces`);
  }
  return model;
}

function readPiece(bytes: Uint8Array, start: number, end: number): SentencePiece {
  const piece: SentencePiece = { piece: '', score: 0, type: 'normal' };
  for (const f of wireFields(bytes, start, end)) {
    if (f.field === PIECE.piece && f.wireType === WIRE_BYTES) piece.piece = fieldText(bytes, f);
    else if (f.field === PIECE.score && f.wireType === WIRE_FIXED32) piece.score = new DataView(bytes.buffer, bytes.byteOffset + f.valueStart, 4).getFloat32(0, true);
    else if (f.field === PIECE.type && f.wireType === WIRE_VARINT) piece.type = PIECE_TYPES[f.varint] ?? 'normal';
  }
  return piece;
}

function readTrainerSpec(bytes: Uint8Array, start: number, end: number, model: SentencePieceModel): void {
  for (const { field, wireType, varint } of wireFields(bytes, start, end)) {
    if (wireType !== WIRE_VARINT) continue;
    if (field === TRAINER.modelType) model.modelType = MODEL_TYPES[varint] ?? model.modelType;
    else if (field === TRAINER.byteFallback) model.byteFallback = varint !== 0;
    else if (field === TRAINER.unkId) model.unkId = varint;
    else if (field === TRAINER.bosId) model.bosId = varint;
    else if (field === TRAINER.eosId) model.eosId = varint;
    else if (field === TRAINER.padId) model.padId = varint;
  }
}

function readNormalizerSpec(bytes: Uint8Array, start: number, end: number, normalizer: SentencePieceModel['normalizer']): void {
  for (const f of wireFields(bytes, start, end)) {
    if (f.field === NORMALIZER.name && f.wireType === WIRE_BYTES) normalizer.name = fieldText(bytes, f);
    else if (f.field === NORMALIZER.precompiledCharsmap && f.wireType === WIRE_BYTES) normalizer.precompiledCharsmap = bytes.subarray(f.valueStart, f.end);
    else if (f.field === NORMALIZER.addDummyPrefix && f.wireType === WIRE_VARINT) normalizer.addDummyPrefix = f.varint !== 0;
    else if (f.field === NORMALIZER.removeExtraWhitespaces && f.wireType === WIRE_VARINT) normalizer.removeExtraWhitespaces = f.varint !== 0;
  }
}
