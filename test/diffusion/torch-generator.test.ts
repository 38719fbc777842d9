/**
 * TorchGenerator against values printed by real PyTorch (test/fixtures/torch-randn.json, made by
 * tools/torch-fixtures/make_randn_fixtures.py with Debian's python3-torch 1.13, AVX2 kernels).
 *
 * Tolerance: torch's vectorised randn path (16+ elements) computes log/sin/cos with float32 SIMD
 * approximations, so a value may differ from ours by a few ulp; the scalar path (< 16 elements) and torch.rand
 * must match exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TorchGenerator, MT19937 } from '../../src/diffusion/random/index.js';
import { BatchGenerator } from '../../src/diffusion/random/batch-generator.js';

interface FixtureCall {
  fn: 'randn' | 'rand';
  shape: number[];
  values?: number[];
  first?: number[];
  last?: number[];
  sum?: number;
}
interface Fixture {
  torch_version: string;
  cases: { seed: string; calls: FixtureCall[] }[];
}

// dist/test/diffusion/ -> project root, where the JSON stays in test/fixtures/ (tsc does not copy it).
const fixturePath = fileURLToPath(new URL('../../../test/fixtures/torch-randn.json', import.meta.url));
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Fixture;

function assertClose(actual: number, expected: number, exact: boolean, what: string): void {
  if (exact) {
    assert.equal(actual, expected, what);
    return;
  }
  const tolerance = 1e-6 * Math.abs(expected) + 1e-7;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, torch gives ${expected}`);
}

for (const { seed, calls } of fixture.cases) {
  const label = calls.map((c) => `${c.fn}(${c.shape.join('x')})`).join(', ');
  test(`seed ${seed}: ${label} equals torch ${fixture.torch_version}`, () => {
    const generator = new TorchGenerator(BigInt(seed));
    for (const [index, call] of calls.entries()) {
      const values = call.fn === 'randn' ? generator.randn(call.shape) : generator.rand(call.shape);
      const exact = call.fn === 'rand' || values.length < 16;
      const what = `call ${index} ${call.fn}(${call.shape.join('x')})`;
      if (call.values) {
        assert.equal(values.length, call.values.length);
        call.values.forEach((v, i) => assertClose(values[i], v, exact, `${what}[${i}]`));
      } else {
        const { first = [], last = [], sum = NaN } = call;
        first.forEach((v, i) => assertClose(values[i], v, exact, `${what}[${i}]`));
        const start = values.length - last.length;
        last.forEach((v, i) => assertClose(values[start + i], v, exact, `${what}[${start + i}]`));
        let total = 0;
        for (const v of values) total += v;
        assert.ok(Math.abs(total - sum) <= 1e-5 * values.length, `${what} sum ${total}, torch ${sum}`);
      }
    }
  });
}

test('seeds equal modulo 2^32 give the same stream (torch seeds mt19937 with the low 32 bits)', () => {
  assert.deepEqual(new TorchGenerator(2n ** 32n + 5n).randn([20]), new TorchGenerator(5).randn([20]));
  assert.equal(new TorchGenerator(-1).initialSeed, 2n ** 64n - 1n);
});

test('bad seeds are rejected', () => {
  assert.throws(() => new TorchGenerator(1.5), /integer/);
  assert.throws(() => new TorchGenerator(2n ** 64n), /64 bits/);
});

test('MT19937 matches the reference output of the algorithm', () => {
  // The 10000th output of std::mt19937 default-seeded with 5489 is 4123659995 (C++ standard, [rand.predef]).
  const mt = new MT19937(5489);
  let value = 0;
  for (let i = 0; i < 10000; i++) value = mt.nextUint32();
  assert.equal(value, 4123659995);
});

test('BatchGenerator draws each batch item from its own seeded stream, continuing it across calls', () => {
  const batch = new BatchGenerator([new TorchGenerator(1), new TorchGenerator(2)]);
  const first = batch.randn([2, 4, 2, 2]);
  const second = batch.randn([2, 4, 2, 2]);
  const one = new TorchGenerator(1);
  const two = new TorchGenerator(2);
  assert.deepEqual(first, Float32Array.from([...one.randn([1, 4, 2, 2]), ...two.randn([1, 4, 2, 2])]));
  assert.deepEqual(second, Float32Array.from([...one.randn([1, 4, 2, 2]), ...two.randn([1, 4, 2, 2])]));
  assert.throws(() => batch.randn([3, 4]), /2 generators but was asked for a batch of 3/);
});
