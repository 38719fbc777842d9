/**
 * W + A @ B for one weight seen as a [rows, cols] matrix, where A is [rows, rank] and B is [rank, cols]: the
 * sum of every LoRA product that lands on the weight. Run on onnxruntime's CPU kernels (a two-node graph made
 * here) rather than in JavaScript: an SD 1.5 UNet holds about 860 million weights and a LoRA of rank 32 costs
 * 32 multiply-adds for each, which onnxruntime's vectorised, threaded matrix product does about a hundred
 * times faster than a loop here (bench:lora).
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../graph/onnx-graph.js';

const sessions = new Map<number, Promise<ort.InferenceSession>>();

/** A new array: `weights` (row-major [rows, cols]) plus `a` ([rows, rank]) times `b` ([rank, cols]). */
export async function addLowRankProduct(weights: Float32Array, a: Float32Array, b: Float32Array, shape: { rows: number; rank: number; cols: number }, threads = 0): Promise<Float32Array> {
  const { rows, rank, cols } = shape;
  if (weights.length !== rows * cols || a.length !== rows * rank || b.length !== rank * cols) {
    throw new Error(`low-rank update: [${rows}, ${cols}] + [${rows}, ${rank}] @ [${rank}, ${cols}] does not fit arrays of ${weights.length}, ${a.length} and ${b.length}`);
  }
  const session = await sessionFor(threads);
  const out = await session.run({
    w: new ort.Tensor('float32', weights, [rows, cols]),
    a: new ort.Tensor('float32', a, [rows, rank]),
    b: new ort.Tensor('float32', b, [rank, cols]),
  });
  return out.sum!.data as Float32Array;
}

function sessionFor(threads: number): Promise<ort.InferenceSession> {
  let session = sessions.get(threads);
  if (!session) {
    session = ort.InferenceSession.create(updateGraph(), {
      executionProviders: ['cpu'],
      // One product of new shapes per weight: a memory arena or pattern would only hold on to the largest.
      enableCpuMemArena: false,
      enableMemPattern: false,
      ...(threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    });
    session.catch(() => sessions.delete(threads));
    sessions.set(threads, session);
  }
  return session;
}

function updateGraph(): Uint8Array {
  const g = new GraphBuilder('low_rank_update');
  const w = g.input('w', 'float32', ['rows', 'cols']);
  const a = g.input('a', 'float32', ['rows', 'rank']);
  const b = g.input('b', 'float32', ['rank', 'cols']);
  g.output('sum', g.op('Gemm', [a, b, w]), 'float32', ['rows', 'cols']);
  return g.toBytes();
}
