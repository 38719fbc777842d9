/**
 * Spherical interpolation between two noise tensors, as AUTOMATIC1111's variation seeds blend noise: unlike a
 * straight mix it keeps the norm (the "amount of noise") the sampler expects. Falls back to a linear mix when
 * the two are nearly parallel. Computed over the whole tensor.
 */
export function slerp(t: number, from: Float32Array, to: Float32Array): Float32Array {
  let fromNorm = 0;
  let toNorm = 0;
  let dot = 0;
  for (let i = 0; i < from.length; i++) {
    fromNorm += from[i]! * from[i]!;
    toNorm += to[i]! * to[i]!;
    dot += from[i]! * to[i]!;
  }
  const cosine = dot / Math.sqrt(fromNorm * toNorm);
  const out = new Float32Array(from.length);
  if (!Number.isFinite(cosine) || Math.abs(cosine) > 0.9995) {
    for (let i = 0; i < out.length; i++) out[i] = from[i]! * (1 - t) + to[i]! * t;
    return out;
  }
  const omega = Math.acos(cosine);
  const a = Math.sin((1 - t) * omega) / Math.sin(omega);
  const b = Math.sin(t * omega) / Math.sin(omega);
  for (let i = 0; i < out.length; i++) out[i] = a * from[i]! + b * to[i]!;
  return out;
}
