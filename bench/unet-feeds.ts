// Random inputs for a bare UNet session, so a benchmark can time the ONNX call alone.
import ort from 'onnxruntime-node';
import { TorchGenerator } from '../src/diffusion/index.js';

/**
 * Inputs for every tensor input the UNet declares, at `batch` and the latent size, from its metadata: the first
 * axis is the batch, the sample's other symbolic axes the latent size, any other symbolic axis 77 (the prompt).
 */
export function unetFeeds(session: ort.InferenceSession, batch: number, latent: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  session.inputMetadata.forEach((meta, i) => {
    if (!meta.isTensor) return;
    const dims = meta.shape.map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? batch : meta.name === 'sample' ? latent : 77));
    const count = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'int64') feeds[meta.name] = new ort.Tensor('int64', new BigInt64Array(count).fill(500n), dims);
    else if (meta.name === 'timestep') feeds[meta.name] = new ort.Tensor('float32', new Float32Array(count).fill(500), dims);
    else feeds[meta.name] = new ort.Tensor('float32', new TorchGenerator(i + 1).randn(dims), dims);
  });
  return feeds;
}
