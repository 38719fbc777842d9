import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromptAttention } from '../../src/diffusion/text/prompt-attention.js';

/** The examples AUTOMATIC1111 documents for its parser (modules/prompt_parser.py), with its results. */
const CASES: Array<[string, Array<[string, number]>]> = [
  ['normal text', [['normal text', 1]]],
  ['an (important) word', [['an ', 1], ['important', 1.1], [' word', 1]]],
  ['(unbalanced', [['unbalanced', 1.1]]],
  ['\\(literal\\]', [['(literal]', 1]]],
  ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
  [
    'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).',
    [['a ', 1], ['house', 1.573], [' ', 1.1], ['on', 1], [' a ', 1.1], ['hill', 0.55], [', sun, ', 1.1], ['sky', 1.4641], ['.', 1.1]],
  ],
];

test('emphasis syntax parses as AUTOMATIC1111 documents it', () => {
  for (const [prompt, expected] of CASES) {
    const parsed = parsePromptAttention(prompt).map((f) => [f.text, Number(f.weight.toFixed(4))]);
    assert.deepEqual(parsed, expected, prompt);
  }
});

test('BREAK separates chunks; an empty prompt is one empty fragment', () => {
  assert.deepEqual(
    parsePromptAttention('a cat BREAK a dog').map((f) => [f.text, f.weight, f.isBreak ?? false]),
    [['a cat', 1, false], ['BREAK', -1, true], ['a dog', 1, false]],
  );
  assert.deepEqual(parsePromptAttention(''), [{ text: '', weight: 1 }]);
});
