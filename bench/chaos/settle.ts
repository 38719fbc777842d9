/** Waiting, over the API, until every job of a trial is terminal, as a client polling its jobs would. */
import { postGraphql, sleep } from './workload.js';

const PAGE = `query ChaosPage($after: String) { generations(first: 100, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

interface Page {
  generations: { edges: { node: { id: string; status: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** Every generation's status, from one API node; undefined when that node does not answer. */
async function statuses(url: string): Promise<Map<string, string> | undefined> {
  const all = new Map<string, string>();
  let after: string | null = null;
  try {
    do {
      const answer = await postGraphql(url, PAGE, { after });
      const page = answer.data as Page | undefined;
      if (!page?.generations) return undefined;
      for (const { node } of page.generations.edges) all.set(node.id, node.status);
      after = page.generations.pageInfo.hasNextPage ? page.generations.pageInfo.endCursor : null;
    } while (after);
  } catch {
    return undefined;
  }
  return all;
}

/**
 * Polls until every accepted job, and every other row (one whose answer a kill swallowed), is terminal, or
 * `deadline` passes. Resolves to when it was all terminal, or undefined at the deadline.
 */
export async function waitAllTerminal(accepted: readonly string[], apiUrls: () => string[], deadline: number): Promise<number | undefined> {
  while (Date.now() < deadline) {
    const url = apiUrls()[0];
    const seen = url ? await statuses(url) : undefined;
    if (seen && accepted.every((id) => TERMINAL.has(seen.get(id) ?? '')) && [...seen.values()].every((s) => TERMINAL.has(s))) return Date.now();
    await sleep(250);
  }
  return undefined;
}
