/**
 * The random work of a trial, sent the way a frontend sends it (GraphQL over HTTP): small generate mutations
 * and some cancels, to whichever API node is picked. Only a mutation answered with an id counts as accepted.
 */
import { int, pick, type Random } from '../../test/support/seeded-random.js';

/** What one generate asks for; a recipe is one the run repeats, so that re-runs can be compared byte for byte. */
export interface JobRequest {
  prompt: string;
  width: number;
  height: number;
  steps: number;
  batchSize: number;
  /** Decimal string; absent: the server picks one. */
  seed?: string;
}

export interface WorkloadResult {
  /** Ids of the jobs the server accepted, in order. */
  accepted: string[];
  /** Requests that got no id: connection refused or reset, or a GraphQL error (message -> count). */
  refused: Map<string, number>;
  /** Cancels that got an answer with the job. */
  cancelled: number;
}

const PROMPTS = ['a red cube on a table', 'two circles, blue and green', 'a lighthouse at dusk', 'a small cat', 'mountains in fog', 'an empty room'];
const SIDES = [64, 72, 96];

/** A few fixed requests, made from the run's seed and reused by every trial: the references re-runs must match. */
export function makeRecipes(random: Random, count = 8): JobRequest[] {
  return Array.from({ length: count }, () => ({ ...randomRequest(random), seed: String(int(random, 0, 2 ** 31)) }));
}

function randomRequest(random: Random): JobRequest {
  return { prompt: pick(random, PROMPTS), width: pick(random, SIDES), height: pick(random, SIDES), steps: int(random, 2, 6), batchSize: int(random, 1, 3) };
}

/** Most jobs repeat a recipe; the others are new, half of them without a seed. */
export function drawRequest(random: Random, recipes: readonly JobRequest[]): JobRequest {
  const roll = random();
  if (roll < 0.7) return pick(random, recipes);
  const request = randomRequest(random);
  return roll < 0.85 ? { ...request, seed: String(int(random, 0, 2 ** 31)) } : request;
}

const GENERATE = `mutation Chaos($input: GenerateInput!) { generate(input: $input) { id } }`;
const CANCEL = `mutation ChaosCancel($id: ID!) { cancelGeneration(id: $id) { id status } }`;

export interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One POST to /graphql; a network failure rejects. */
export async function postGraphql(baseUrl: string, query: string, variables: Record<string, unknown>, timeoutMs = 15_000): Promise<GraphqlAnswer> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await response.json()) as GraphqlAnswer;
}

function refusalReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error.cause as { code?: string } | undefined)?.code;
    return code ?? error.name;
  }
  return String(error);
}

/**
 * Submits until `jobs` are accepted (or `giveUpAt` passes), a random pause between requests, each to a random
 * API node of `apiUrls()` (the list changes while nodes die and come back). A seventh of the accepted jobs are
 * cancelled after a random delay. Resolves once every request, cancels included, has its answer.
 */
export async function runWorkload(
  random: Random,
  recipes: readonly JobRequest[],
  jobs: number,
  apiUrls: () => string[],
  giveUpAt: number,
): Promise<WorkloadResult> {
  const result: WorkloadResult = { accepted: [], refused: new Map(), cancelled: 0 };
  const refuse = (reason: string): void => void result.refused.set(reason, (result.refused.get(reason) ?? 0) + 1);
  const cancels: Promise<void>[] = [];
  while (result.accepted.length < jobs && Date.now() < giveUpAt) {
    await sleep(int(random, 0, 250));
    const urls = apiUrls();
    if (urls.length === 0) {
      refuse('no API node running');
      continue;
    }
    const url = pick(random, urls);
    const input = drawRequest(random, recipes);
    const cancelAfter = random() < 1 / 7 ? int(random, 0, 1500) : undefined;
    try {
      const answer = await postGraphql(url, GENERATE, { input });
      const id = (answer.data?.generate as { id?: string } | undefined)?.id;
      if (!id) {
        refuse(answer.errors?.[0]?.extensions?.code ?? 'no id');
        continue;
      }
      result.accepted.push(id);
      if (cancelAfter !== undefined) cancels.push(cancelLater(url, id, cancelAfter, apiUrls).then((ok) => void (ok && result.cancelled++)));
    } catch (error) {
      refuse(refusalReason(error));
    }
  }
  await Promise.all(cancels);
  return result;
}

/** Asks to cancel `id` after `delayMs`, from the node it was sent to if that still runs, else from another. */
async function cancelLater(url: string, id: string, delayMs: number, apiUrls: () => string[]): Promise<boolean> {
  await sleep(delayMs);
  const urls = apiUrls();
  const target = urls.includes(url) ? url : urls[0];
  if (!target) return false;
  try {
    const answer = await postGraphql(target, CANCEL, { id });
    return Boolean(answer.data?.cancelGeneration);
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
