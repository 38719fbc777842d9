// Generations driven through the GraphQL API the way a client drives them: queue one, then poll until it ends.
import assert from 'node:assert/strict';
import { GenerateDocument, GenerationDocument, type GenerateInput, type GenerationFieldsFragment } from '../generated/operations.js';
import { requestData } from './graphql-client.js';

const POLL_MS = 20;

/** Polls generation `id` until it is no longer QUEUED or RUNNING, and returns it as it ended. */
export async function finishedGeneration(baseUrl: string, id: string): Promise<GenerationFieldsFragment> {
  for (;;) {
    const { generation } = await requestData(baseUrl, GenerationDocument, { id });
    assert.ok(generation, `generation ${id} does not exist`);
    if (generation.status !== 'QUEUED' && generation.status !== 'RUNNING') return generation;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Queues `input` and returns the generation once it has ended; fails the test unless it COMPLETED (`label` says which). */
export async function completedGeneration(baseUrl: string, input: GenerateInput, label?: string): Promise<GenerationFieldsFragment> {
  const { id } = (await requestData(baseUrl, GenerateDocument, { input })).generate;
  const generation = await finishedGeneration(baseUrl, id);
  const ended = `${generation.status} ${generation.error}`;
  assert.equal(generation.status, 'COMPLETED', label ? `${label}: ${ended}` : ended);
  return generation;
}
