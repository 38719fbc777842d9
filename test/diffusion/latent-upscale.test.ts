/** The hires fix's latent upscalers against torch's F.interpolate (test/fixtures/latent-upscale.json). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LATENT_UPSCALERS, upscaleLatents, type LatentUpscaler } from '../../src/diffusion/latent-upscale.js';

interface Fixture {
  dims: number[];
  source: number[];
  cases: { upscaler: LatentUpscaler; size: [number, number]; data: number[] }[];
}
const fixture = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../../test/fixtures/latent-upscale.json', import.meta.url)), 'utf8')) as Fixture;

test('every latent upscaler equals torch at 2x and at a fractional scale', () => {
  const source = { data: Float32Array.from(fixture.source), dims: fixture.dims };
  assert.deepEqual([...new Set(fixture.cases.map((c) => c.upscaler))].sort(), [...LATENT_UPSCALERS].sort());
  for (const { upscaler, size, data } of fixture.cases) {
    const out = upscaleLatents(source, size[0], size[1], upscaler);
    assert.deepEqual(out.dims, [fixture.dims[0], fixture.dims[1], ...size]);
    const worst = data.reduce((m, v, i) => Math.max(m, Math.abs(v - out.data[i]!)), 0);
    assert.ok(worst < 1e-5, `${upscaler} to ${size.join('x')}: off by ${worst}`);
  }
});
