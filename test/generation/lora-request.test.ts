/** The LoRA rules of a request, without a server: the `loras` field, `<lora:...>` prompt tags, and their errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGenerateRequest, type GenerateRequest, type RequestContext } from '../../src/generation/generation-request.js';
import { LORA_LIMITS } from '../../src/generation/lora-request.js';
import { formatLoraHashes, parseLoraHashes, promptWithLoraTags, takeLoraTags } from '../../src/generation/lora-tags.js';
import { GenerationRequestError } from '../../src/generation/request-errors.js';

const CONTEXT: RequestContext = {
  models: [
    { name: 'sd15', defaultSize: 512, family: 'sd1', defaults: { sampler: 'euler', steps: 20, guidanceScale: 7 } },
    { name: 'sdxl', defaultSize: 1024, family: 'sdxl', defaults: { sampler: 'euler', steps: 20, guidanceScale: 5 } },
  ],
  defaultModel: 'sd15',
  samplers: ['euler'],
  taesdAvailable: false,
  viewerRole: 'USER',
  loras: [
    { name: 'ink', family: 'sd1', hash: 'aaaaaaaaaaaa' },
    { name: 'film-grain', family: 'sdxl', hash: 'bbbbbbbbbbbb' },
    { name: 'anywhere', family: null, hash: 'cccccccccccc' },
  ],
};

const check = (request: Partial<GenerateRequest>) => checkGenerateRequest({ prompt: 'a red circle', seed: 1n, ...request }, CONTEXT);

function rejects(request: Partial<GenerateRequest>, field: string, message: RegExp, allowed: object): void {
  assert.throws(
    () => check(request),
    (error: unknown) => {
      assert.ok(error instanceof GenerationRequestError, String(error));
      assert.equal(error.field, field);
      assert.match(error.message, message);
      assert.deepEqual(error.allowed, allowed);
      return true;
    },
  );
}

test('the loras field and prompt tags join, in order, with the file hashes; the tags leave the encoded text', () => {
  const params = check({ prompt: 'a red <lora:anywhere:0.5> circle, <lora:ink>' });
  assert.equal(params.prompt, 'a red circle');
  assert.deepEqual(params.loras, [
    { name: 'anywhere', weight: 0.5, hash: 'cccccccccccc' },
    { name: 'ink', weight: 1, hash: 'aaaaaaaaaaaa' },
  ]);
  const both = check({ prompt: 'a circle <lora:anywhere:-1.25>', loras: [{ name: 'ink', weight: 0.8 }] });
  assert.deepEqual(both.loras.map((l) => [l.name, l.weight]), [['ink', 0.8], ['anywhere', -1.25]]);
  assert.deepEqual(check({}).loras, []);
});

test('an unknown LoRA, one for another family and a weight out of range name the field and what is allowed', () => {
  rejects({ loras: [{ name: 'nope' }] }, 'loras[0].name', /unknown LoRA "nope"/, { allowedValues: ['ink', 'anywhere'], reason: 'LORA_NOT_FOUND' });
  rejects({ loras: [{ name: 'film-grain' }] }, 'loras[0].name', /is for sdxl models; model "sd15" is sd1/, {
    allowedValues: ['ink', 'anywhere'],
    reason: 'LORA_FAMILY_MISMATCH',
  });
  rejects({ model: 'sdxl', prompt: 'x <lora:ink:1>' }, 'prompt', /is for sd1 models/, { allowedValues: ['film-grain', 'anywhere'], reason: 'LORA_FAMILY_MISMATCH' });
  rejects({ loras: [{ name: 'ink', weight: 5.5 }] }, 'loras[0].weight', /between -5 and 5, got 5.5/, LORA_LIMITS.weight);
  rejects({ prompt: 'x <lora:ink:-7>' }, 'prompt', /between -5 and 5, got -7/, LORA_LIMITS.weight);
  rejects({ loras: [{ name: 'ink', weight: Number.NaN }] }, 'loras[0].weight', /between -5 and 5/, LORA_LIMITS.weight);
  rejects({ prompt: 'x <lora:ink>', loras: [{ name: 'ink' }] }, 'prompt', /asked for twice/, { allowedValues: ['ink', 'anywhere'], reason: 'DUPLICATE_LORA' });
  const many = Array.from({ length: LORA_LIMITS.count.max + 1 }, () => ({ name: 'ink' }));
  rejects({ loras: many }, 'loras', /at most 8 LoRAs, got 9/, { max: 8 });
});

test('malformed tags are prompt errors with a reason', () => {
  rejects({ prompt: 'x <lora:ink:strong>' }, 'prompt', /weight must be a number/, { reason: 'PROMPT_PARAMETER_LORA' });
  rejects({ prompt: 'x <lora::1>' }, 'prompt', /names no LoRA/, { reason: 'PROMPT_PARAMETER_LORA' });
  rejects({ prompt: 'x <lora:ink:1:0.5>' }, 'prompt', /separate text-encoder and UNet weights/, { reason: 'PROMPT_PARAMETER_LORA' });
  rejects({ prompt: '<lora:ink:1>' }, 'prompt', /must not be empty/, {});
});

test('tags as AUTOMATIC1111 writes and reads them', () => {
  assert.deepEqual(takeLoraTags('<lyco:a:0.3>, cat, <LORA:b>'), { prompt: 'cat', loras: [{ name: 'a', weight: 0.3 }, { name: 'b', weight: 1 }] });
  assert.deepEqual(takeLoraTags('no tags <here>'), { prompt: 'no tags <here>', loras: [] });
  const loras = [
    { name: 'a', weight: 0.1 + 0.2, hash: '0123456789ab' },
    { name: 'b', weight: 1, hash: '' },
  ];
  assert.equal(promptWithLoraTags('cat', loras), 'cat <lora:a:0.3> <lora:b:1>');
  assert.equal(formatLoraHashes(loras), 'a: 0123456789ab');
  assert.equal(formatLoraHashes([loras[1]!]), undefined);
  assert.deepEqual([...parseLoraHashes('a: 0123456789AB, weird name: ff, broken')], [['a', '0123456789ab'], ['weird name', 'ff']]);
});
