import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptParameters, PromptParameterError, sizeForAspectRatio } from '../../src/generation/prompt-parameters.js';

test('Midjourney-style parameters are split off the end of the prompt', () => {
  const { prompt, parameters } = parsePromptParameters('a red fox in the snow --ar 16:9 --seed 42 --no blurry, text --steps 30 --cfg 7.5');
  assert.equal(prompt, 'a red fox in the snow');
  assert.deepEqual(parameters, { aspectRatio: [16, 9], seed: 42n, negative: 'blurry, text', steps: 30, guidanceScale: 7.5 });
});

test('a prompt without parameters, or with double hyphens inside words, is left alone', () => {
  assert.deepEqual(parsePromptParameters('  a well--known castle  '), { prompt: 'a well--known castle', parameters: {} });
});

test('unknown or malformed parameters are errors that name the parameter', () => {
  for (const [text, parameter, message] of [
    ['a cat --chaos 50', 'chaos', /unknown prompt parameter --chaos/],
    ['a cat --ar 16x9', 'ar', /--ar needs "width:height"/],
    ['a cat --ar 20:1', 'ar', /ratio up to 8:1/],
    ['a cat --seed -1', 'seed', /non-negative integer/],
    ['a cat --steps many', 'steps', /--steps needs an integer/],
    ['a cat --cfg', 'cfg', /--cfg needs a number/],
    ['a cat --no  ', 'no', /--no needs something to avoid/],
  ] as const) {
    assert.throws(() => parsePromptParameters(text), (error: unknown) => {
      assert.ok(error instanceof PromptParameterError);
      assert.equal(error.parameter, parameter);
      assert.match(error.message, message);
      return true;
    });
  }
});

test('an aspect ratio keeps about the area of the native square, in multiples of 8', () => {
  assert.deepEqual(sizeForAspectRatio([1, 1], 512), { width: 512, height: 512 });
  assert.deepEqual(sizeForAspectRatio([16, 9], 512), { width: 680, height: 384 });
  assert.deepEqual(sizeForAspectRatio([2, 3], 512), { width: 416, height: 624 });
  // A small native size would give a short side under 64: scaled up instead.
  assert.deepEqual(sizeForAspectRatio([16, 9], 64), { width: 112, height: 64 });
});
