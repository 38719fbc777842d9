import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelGenerationDocument, GenerateDocument, GenerationEventsDocument } from '../generated/operations.js';
import { createLogger } from '../../src/logger.js';
import { collectSubscription, requestData, wsClient } from '../support/graphql-client.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

test('every log line about a job names the job and the node', async () => {
  const lines: string[] = [];
  const destination = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter((line) => line !== '')) };
  const node = 'log-lines-node';
  const server = await startTestServer({ dataDir: await tempDataDir(), nodeId: node }, createLogger('debug', node, destination));
  let jobIds: string[] = [];
  try {
    const client = wsClient(server.url);
    // One job that completes, and one cancelled (while queued, or running if the worker was quicker).
    const ok = (await requestData(server.url, GenerateDocument, { input: { prompt: 'logged', steps: 2 } })).generate;
    const cancelled = (await requestData(server.url, GenerateDocument, { input: { prompt: 'cancelled while queued', steps: 2 } })).generate;
    await requestData(server.url, CancelGenerationDocument, { id: cancelled.id });
    const events = (await collectSubscription(client, GenerationEventsDocument, { id: ok.id })).map((e) => e.generationEvents.type);
    await client.dispose();
    assert.equal(events.at(-1), 'COMPLETED');
    jobIds = [ok.id, cancelled.id];
  } finally {
    await server.close();
  }
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(records.length > 0);
  for (const record of records) assert.equal(record.node, node, JSON.stringify(record));
  for (const id of jobIds) {
    const mentioning = lines.filter((line) => line.includes(id)).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(mentioning.length > 0, `some line mentions ${id}`);
    for (const record of mentioning) assert.equal(record.jobId, id, JSON.stringify(record));
  }
  // The lines of a job's life, each with its id.
  const about = (msg: string) => records.filter((record) => record.msg === msg).map((record) => record.jobId);
  assert.ok(about('job started').includes(jobIds[0]));
  assert.deepEqual(about('job completed'), [jobIds[0]]);
  assert.deepEqual(about('job queued'), jobIds);
  // A line whose message speaks of "job" carries a jobId unless it is about several jobs at once.
  for (const record of records.filter((r) => /\bjob\b/i.test(String(r.msg)) && !/\bjobs\b/i.test(String(r.msg)))) {
    assert.equal(typeof record.jobId, 'string', JSON.stringify(record));
  }
});
