/**
 * Which model + LoRA set a job needs loaded, and whether a worker has it: the one rule that queue affinity
 * (claimNext's ClaimAffinity) and the pool's choice of worker share. LoRAs at weight 0 change no weight, so
 * they are not part of a set (the pipeline cache leaves them out too); order does not matter (a merge is a sum).
 */
import type { LoadedSet } from './job.js';

/** Queue affinity's bound when none is set (ATELIER_AFFINITY_WAIT_MS): a few model loads' worth. */
export const DEFAULT_AFFINITY_WAIT_MS = 20_000;

export function loadedSetOf(model: string, loras: ReadonlyArray<{ name: string; weight: number }>): LoadedSet {
  return { model, loras: loras.filter((lora) => lora.weight !== 0).map(({ name, weight }) => ({ name, weight })) };
}

export function sameLoadedSet(a: LoadedSet, b: LoadedSet): boolean {
  return setKey(a) === setKey(b);
}

/** The set as one string: model, then its active LoRAs by name (names are unique in a set). */
function setKey(set: LoadedSet): string {
  const { model, loras } = loadedSetOf(set.model, set.loras);
  return JSON.stringify([model, loras.map((l) => [l.name, l.weight]).sort(([x], [y]) => String(x).localeCompare(String(y)))]);
}

/** The distinct sets among `sets` (what several idle workers hold, each once). */
export function distinctLoadedSets(sets: Iterable<LoadedSet>): LoadedSet[] {
  const out: LoadedSet[] = [];
  for (const set of sets) if (!out.some((kept) => sameLoadedSet(kept, set))) out.push(loadedSetOf(set.model, set.loras));
  return out;
}
