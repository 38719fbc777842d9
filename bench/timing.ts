/** Timing helpers shared by the benchmarks. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time of `repeats` sequential runs of `work`, in milliseconds. */
export async function timeMs(work: () => Promise<unknown>, repeats = 1): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * Median time between a generation's steps, the first step left out (it follows text encoding): `generate`
 * runs one generation, calling the callback it is given after every step.
 */
export async function medianStepMs(generate: (onStep: (progress: { step: number }) => void) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  let last = 0;
  await generate(({ step }) => {
    const now = performance.now();
    if (step > 1) times.push(now - last);
    last = now;
  });
  return median(times);
}
