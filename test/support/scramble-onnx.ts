import fs from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { seededRandom } from './seeded-random.js';

const { onnx } = onnxProto;

/**
 * Writes a copy of an ONNX model whose float32 weights are shuffled within each tensor (seeded): the same
 * graph and the same weight statistics, none of what training learned. The control that shows a test
 * scoring pictures can fail. `only` limits it to the initializers it accepts (by name), to show which part of
 * a model a result depends on.
 */
export async function scrambleOnnxWeights(source: string, target: string, seed: number, only: (name: string) => boolean = () => true): Promise<void> {
  const model = onnx.ModelProto.decode(await fs.readFile(source));
  const random = seededRandom(seed);
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT || !only(tensor.name ?? '')) continue;
    const values =
      tensor.rawData && tensor.rawData.length > 0
        ? new Float32Array(new Uint8Array(tensor.rawData).buffer) // a copy: the decoded bytes are a view into the file
        : Float32Array.from(tensor.floatData ?? []);
    if (values.length < 2) continue;
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    tensor.rawData = new Uint8Array(values.buffer);
    tensor.floatData = [];
  }
  await fs.writeFile(target, onnx.ModelProto.encode(model).finish());
}
