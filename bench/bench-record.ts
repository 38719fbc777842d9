// The one JSON line each benchmark ends with: which bench, when and on what machine, and its own results.
import os from 'node:os';

/** Prints `{ bench, date, cpus, cpuModel, ...results }` as one JSON line, for BENCHMARKS.md and for comparing runs. */
export function printBenchRecord(bench: string, results: Record<string, unknown>): void {
  const machine = { date: new Date().toISOString().slice(0, 10), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model };
  console.log(JSON.stringify({ bench, ...machine, ...results }));
}
