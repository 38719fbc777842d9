/** Mean absolute difference per channel value (0..255) of two equally sized 8-bit pixel buffers. */
export function meanAbsDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`pixel buffers differ in size: ${a.length} vs ${b.length}`);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
  return total / a.length;
}
