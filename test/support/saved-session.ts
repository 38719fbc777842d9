// An edited model saved, opened by onnxruntime and its files removed, as the pipeline does (lora/patched-sessions.ts).
import ort from 'onnxruntime-node';
import type { EditableOnnxModel } from '../../src/diffusion/model/editable-onnx.js';

/** A session of the edited model; its scratch files are gone by the time it is returned. */
export async function savedSession(model: EditableOnnxModel): Promise<ort.InferenceSession> {
  const saved = await model.save();
  try {
    return await ort.InferenceSession.create(saved.path);
  } finally {
    await saved.remove();
  }
}
