/**
 * The trained toy LoRA (models/loras/toy-bar.safetensors, its PEFT copy in test/fixtures/loras/) merged by Atelier into the toy-shapes text
 * encoder and UNet computes what PyTorch's merged networks computed on the same inputs
 * (test/fixtures/toy-lora-parity.json, written by tools/toy-model/lora_parity.py): the key mapping through the
 * exported graph's node names, the transposes and the LoCon convs of a real torch export, not just the tiny
 * models' synthetic ones. The kohya and PEFT files of the same weights merge to the same outputs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { readLoraFile } from '../../src/diffusion/lora/lora-file.js';
import { mergeIntoComponent, type MergeReport } from '../../src/diffusion/lora/lora-merge.js';
import { buildModuleIndex } from '../../src/diffusion/lora/module-index.js';
import { EditableOnnxModel } from '../../src/diffusion/model/editable-onnx.js';
import { TOY_MODEL_DIR } from '../support/toy-world.js';
import { savedSession } from '../support/saved-session.js';

interface LoraParity {
  lora: string;
  merged_layers: number;
  input_ids: number[];
  hidden_tokens: number;
  text_encoder: Record<string, { last_hidden_state_first_tokens: number[]; pooler_output: number[] }>;
  unet: { sample: number[]; timestep: number[]; encoder_hidden_states: number[]; out_sample: Record<string, number[]> };
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const parity = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/toy-lora-parity.json'), 'utf8')) as LoraParity;
const KOHYA = path.join(REPO, 'models/loras/toy-bar.safetensors');
const PEFT = path.join(REPO, 'test/fixtures/loras/toy-bar-peft.safetensors');
/** What the issue asks of the merge: float32 merges agree with PyTorch's to this, absolute. */
const TOLERANCE = 1e-4;

async function mergedSession(component: 'unet' | 'text_encoder', loraFile: string, weight: number): Promise<{ session: ort.InferenceSession; report: MergeReport }> {
  const model = await EditableOnnxModel.read(path.join(TOY_MODEL_DIR, component, 'model.onnx'));
  const index = buildModuleIndex(model.scan, { unet: component === 'unet' });
  const [report] = await mergeIntoComponent({ component, model, index }, [{ name: 'toy-bar', weight, lora: await readLoraFile(loraFile) }]);
  return { session: await savedSession(model), report: report! };
}

async function textOutputs(session: ort.InferenceSession) {
  const out = await session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(parity.input_ids), [1, 77]) });
  const hidden = out.last_hidden_state!.data as Float32Array;
  const width = out.last_hidden_state!.dims[2]!;
  return { first: hidden.subarray(0, parity.hidden_tokens * width), pooled: out.pooler_output!.data as Float32Array };
}

async function unetOutput(session: ort.InferenceSession): Promise<Float32Array> {
  const out = await session.run({
    sample: new ort.Tensor('float32', Float32Array.from(parity.unet.sample), [1, 4, 8, 8]),
    timestep: new ort.Tensor('float32', Float32Array.from(parity.unet.timestep), [1]),
    encoder_hidden_states: new ort.Tensor('float32', Float32Array.from(parity.unet.encoder_hidden_states), [1, 77, parity.unet.encoder_hidden_states.length / 77]),
  });
  return out.out_sample!.data as Float32Array;
}

function maxDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'element count');
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

describe('the trained toy LoRA merged by Atelier equals PyTorch\'s merge', () => {
  for (const weight of ['1.0', '0.5']) {
    test(`weight ${weight}: every layer of the file merged; text encoder and UNet outputs within ${TOLERANCE}`, async () => {
      const text = await mergedSession('text_encoder', KOHYA, Number(weight));
      const unet = await mergedSession('unet', KOHYA, Number(weight));
      try {
        for (const report of [text.report, unet.report]) assert.deepEqual([report.unmapped, report.misfit, report.shared], [[], [], []]);
        assert.equal(text.report.merged + unet.report.merged, parity.merged_layers);
        const { first, pooled } = await textOutputs(text.session);
        const expected = parity.text_encoder[weight]!;
        assert.ok(maxDifference(first, expected.last_hidden_state_first_tokens) < TOLERANCE, `last_hidden_state ${maxDifference(first, expected.last_hidden_state_first_tokens)}`);
        assert.ok(maxDifference(pooled, expected.pooler_output) < TOLERANCE, `pooler_output ${maxDifference(pooled, expected.pooler_output)}`);
        const out = await unetOutput(unet.session);
        const difference = maxDifference(out, parity.unet.out_sample[weight]!);
        assert.ok(difference < TOLERANCE, `UNet out_sample differs from PyTorch's by ${difference}`);
        // The LoRA moved the output well beyond the tolerance: the comparison can fail.
        assert.ok(maxDifference(parity.unet.out_sample[weight]!, parity.unet.out_sample['0.0']!) > 100 * TOLERANCE);
      } finally {
        await Promise.all([text.session.release(), unet.session.release()]);
      }
    });
  }

  test('weight 0 is the base model; the PEFT file of the same weights gives the kohya file\'s outputs', async () => {
    const base = await ort.InferenceSession.create(path.join(TOY_MODEL_DIR, 'unet', 'model.onnx'));
    const kohya = await mergedSession('unet', KOHYA, 1);
    const peft = await mergedSession('unet', PEFT, 1);
    try {
      assert.ok(maxDifference(await unetOutput(base), parity.unet.out_sample['0.0']!) < TOLERANCE);
      assert.equal(peft.report.merged, kohya.report.merged);
      assert.ok(maxDifference(await unetOutput(peft.session), await unetOutput(kohya.session)) < 1e-6);
    } finally {
      await Promise.all([base.release(), kohya.session.release(), peft.session.release()]);
    }
  });
});
