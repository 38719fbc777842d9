/**
 * The UNet and text-encoder sessions of a model with LoRAs merged in and textual-inversion embeddings added:
 * each component that changes is edited weight by weight (lora-merge.ts, text/embedding-table.ts), saved
 * as a new model file in a scratch folder (model/editable-onnx.ts), loaded, and removed, one at a time; the
 * others, and all of them when no LoRA has a non-zero weight and no embedding is given, load from their files
 * exactly as before. What could not be applied comes back as one warning per LoRA or embedding.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EditableOnnxModel } from '../model/editable-onnx.js';
import type { ModelFolder } from '../model/model-folder.js';
import { ModelSession, type SessionOptions } from '../model/onnx-session.js';
import { scanOnnxModel } from '../model/onnx-scan.js';
import type { AddedTokens } from '../text/added-tokens.js';
import { readEmbeddingFile, type EmbeddingVectors, type TextualInversion } from '../text/embedding-file.js';
import { appendTokenEmbeddings, findTokenTable } from '../text/embedding-table.js';
import { readLoraFile, type LoraComponent } from './lora-file.js';
import { mergeIntoComponent, type MergeReport, type WeightedLora } from './lora-merge.js';
import { loraWarning } from './lora-warnings.js';
import { buildModuleIndex } from './module-index.js';

export interface LoraSpec {
  file: string;
  weight: number;
  /** As the user named it, for warnings. */
  name: string;
}

export interface EmbeddingSpec {
  file: string;
  /** The word that calls it up in a prompt. */
  name: string;
}

export interface SessionExtras {
  loras?: readonly LoraSpec[];
  embeddings?: readonly EmbeddingSpec[];
}

export interface MergedSessions {
  /** In the order of model.paths.textEncoders, with the tokens their tokenizer must add. */
  textEncoders: { session: ModelSession; addedTokens?: AddedTokens }[];
  unet: ModelSession;
  loraWarnings: string[];
  embeddingWarnings: EmbeddingWarning[];
}

/** An embedding that could not be loaded: a generation is told only when its prompt uses the name. */
export interface EmbeddingWarning {
  name: string;
  message: string;
}

interface Component {
  component: LoraComponent;
  file: string;
  /** Embedding vectors for this text encoder, one entry per embedding applied. */
  embeddings: { name: string; vectors: EmbeddingVectors }[];
  endTokenId?: number;
}

/** `endTokenIds`: each text encoder's tokenizer's end token (embeddings may have to move it). */
export async function loadMergedSessions(model: ModelFolder, options: SessionOptions, extras: SessionExtras, endTokenIds: readonly number[]): Promise<MergedSessions> {
  const weighted: WeightedLora[] = [];
  for (const spec of (extras.loras ?? []).filter((l) => l.weight !== 0)) {
    weighted.push({ name: spec.name, weight: spec.weight, lora: await readLoraFile(spec.file) });
  }
  const inversions = await Promise.all((extras.embeddings ?? []).map((e) => readEmbeddingFile(e.file, e.name)));
  const components: Component[] = [
    ...model.paths.textEncoders.map((p) => ({ component: componentOf(p.model), file: p.model, embeddings: [] })),
    { component: 'unet', file: model.paths.unet, embeddings: [] },
  ];
  const embeddingWarnings = await assignEmbeddings(inversions, components.slice(0, -1), endTokenIds);
  const touched = (c: Component) => c.embeddings.length > 0 || weighted.some((w) => w.lora.modules.some((m) => m.component === c.component));
  const reports = weighted.map((): MergeReport[] => []);
  // Untouched components load concurrently, as without extras; edited ones one after another (memory).
  const plain = Promise.all(components.map((c) => (touched(c) ? undefined : ModelSession.load(c.file, options))));
  const edited: ({ session: ModelSession; addedTokens?: AddedTokens } | undefined)[] = [];
  try {
    for (const c of components) {
      edited.push(touched(c) ? await loadEdited(c, weighted, reports, options) : undefined);
    }
    const plainSessions = await plain;
    const sessions = components.map((_, i) => edited[i] ?? { session: plainSessions[i]! });
    const present = new Set(components.map((c) => c.component));
    const loraWarnings = weighted.flatMap((w, i) => loraWarning(w, reports[i]!, present));
    return { textEncoders: sessions.slice(0, -1), unet: sessions.at(-1)!.session, loraWarnings, embeddingWarnings };
  } catch (error) {
    const sessions = [...edited.map((e) => e?.session), ...(await plain.catch(() => []))];
    await Promise.allSettled(sessions.map((s) => s?.release()));
    throw error;
  }
}

async function loadEdited(c: Component, weighted: WeightedLora[], reports: MergeReport[][], options: SessionOptions) {
  const editable = await EditableOnnxModel.read(c.file);
  try {
    const index = buildModuleIndex(editable.scan, { unet: c.component === 'unet' });
    const merged = await mergeIntoComponent({ component: c.component, model: editable, index, threads: options.cpuThreads ?? 0 }, weighted);
    merged.forEach((r, i) => reports[i]!.push(r));
    const addedTokens = c.embeddings.length > 0 ? await appendTokenEmbeddings(editable, c.embeddings, c.endTokenId!) : undefined;
    // Nothing changed (every LoRA key unmapped, no embedding): the file itself, as without extras.
    if (!editable.isChanged) return { session: await ModelSession.load(c.file, options) };
    const saved = await editable.save();
    try {
      return { session: await ModelSession.load(saved.path, options), ...(addedTokens ? { addedTokens } : {}) };
    } finally {
      await saved.remove(); // onnxruntime has read (or mapped) what it needs
    }
  } finally {
    await editable.discard();
  }
}

/**
 * Gives each text encoder its vectors of every embedding that has vectors of the right width for all of the
 * model's encoders (SDXL prompts are tokenized for both, which must agree); the rest are warned about.
 */
async function assignEmbeddings(inversions: TextualInversion[], encoders: Component[], endTokenIds: readonly number[]): Promise<EmbeddingWarning[]> {
  if (inversions.length === 0) return [];
  const tables = await Promise.all(encoders.map(async (e) => findTokenTable(scanOnnxModel(await fs.readFile(e.file), e.file))));
  const warnings: EmbeddingWarning[] = [];
  for (const inversion of inversions) {
    const picks = encoders.map((e) => pickVectors(inversion, e.component, encoders.length));
    const problem = encoders
      .map((e, i) => {
        const table = tables[i];
        if (!table) return `${e.component} has no token-embedding table`;
        if (!picks[i]) return `it has no vectors for ${e.component}`;
        return picks[i]!.dim === table.dim ? undefined : `its vectors are ${picks[i]!.dim} wide and ${e.component} takes ${table.dim}`;
      })
      .find(Boolean);
    if (problem) {
      warnings.push({ name: inversion.name, message: `Embedding "${inversion.name}" was not loaded: ${problem}.` });
      continue;
    }
    encoders.forEach((e, i) => {
      e.embeddings.push({ name: inversion.name, vectors: picks[i]! });
      e.endTokenId = endTokenIds[i];
    });
  }
  return warnings;
}

/** SDXL's first encoder is CLIP ViT-L (clip_l), its second OpenCLIP ViT-bigG (clip_g); one encoder takes either kind. */
function pickVectors(inversion: TextualInversion, component: LoraComponent, encoderCount: number): EmbeddingVectors | undefined {
  const { any, clip_l, clip_g } = inversion.vectors;
  if (component === 'text_encoder_2') return clip_g ?? (encoderCount === 1 ? any : undefined);
  return encoderCount === 1 ? (any ?? clip_l) : (clip_l ?? any);
}

/** text_encoder/model.onnx -> text_encoder; text_encoder_2/model.onnx -> text_encoder_2 (an SDXL refiner has only that). */
function componentOf(modelFile: string): LoraComponent {
  return path.basename(path.dirname(modelFile)) === 'text_encoder_2' ? 'text_encoder_2' : 'text_encoder';
}
