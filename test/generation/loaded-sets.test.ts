import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distinctLoadedSets, loadedSetOf, sameLoadedSet } from '../../src/generation/loaded-sets.js';

const ink = { name: 'ink', weight: 0.8 };
const sun = { name: 'sun', weight: 1 };

test('a loaded set is the model and its LoRAs not at weight 0, in any order', () => {
  assert.ok(sameLoadedSet({ model: 'a', loras: [ink, sun] }, { model: 'a', loras: [sun, ink] }));
  assert.ok(sameLoadedSet({ model: 'a', loras: [ink, { name: 'off', weight: 0 }] }, { model: 'a', loras: [ink] }));
  assert.ok(!sameLoadedSet({ model: 'a', loras: [ink] }, { model: 'a', loras: [ink, sun] }), 'a subset is another set');
  assert.ok(!sameLoadedSet({ model: 'a', loras: [ink] }, { model: 'a', loras: [{ name: 'ink', weight: 0.7 }] }), 'another weight');
  assert.ok(!sameLoadedSet({ model: 'a', loras: [] }, { model: 'b', loras: [] }), 'another model');
  assert.deepEqual(loadedSetOf('a', [{ ...ink, hash: 'x' } as typeof ink, { name: 'off', weight: 0 }]), { model: 'a', loras: [ink] });
});

test('distinct sets: what several idle workers hold, each once', () => {
  const sets = distinctLoadedSets([{ model: 'a', loras: [ink, sun] }, { model: 'b', loras: [] }, { model: 'a', loras: [sun, ink] }]);
  assert.deepEqual(sets, [{ model: 'a', loras: [ink, sun] }, { model: 'b', loras: [] }]);
});
