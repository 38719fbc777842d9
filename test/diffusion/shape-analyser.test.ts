import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { analyseImage } from '../support/shape-analyser.js';
import { toyWorld, type SceneDescription } from '../support/toy-world.js';

/**
 * The analyser that scores the toy model's pictures must itself be right: here it reads scenes drawn by an
 * independent renderer (SVG through sharp, anti-aliased), which it must get all right.
 */
async function drawScene(scene: SceneDescription, canvas = 64, blurSigma = 0): Promise<Buffer> {
  const world = toyWorld();
  const k = canvas / world.imageSize;
  const [column, row] = world.positions[scene.position]!;
  const cx = world.anchors[column]! * k;
  const cy = world.anchors[row]! * k;
  const h = world.sizes[scene.size]! * k;
  const fill = `rgb(${world.colours[scene.colour]!.join(',')})`;
  const shape =
    scene.shape === 'circle'
      ? `<circle cx="${cx}" cy="${cy}" r="${h / 2}" fill="${fill}"/>`
      : scene.shape === 'square'
        ? `<rect x="${cx - h / 2}" y="${cy - h / 2}" width="${h}" height="${h}" fill="${fill}"/>`
        : scene.shape === 'bar'
          ? `<rect x="${cx - h / 2}" y="${cy - (h * world.barThickness) / 2}" width="${h}" height="${h * world.barThickness}" fill="${fill}"/>`
          : `<polygon points="${cx},${cy - (2 * h) / 3} ${cx + h / 2},${cy + h / 3} ${cx - h / 2},${cy + h / 3}" fill="${fill}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas}" height="${canvas}">
    <rect width="${canvas}" height="${canvas}" fill="rgb(${world.colours[scene.background]!.join(',')})"/>${shape}</svg>`;
  const image = sharp(Buffer.from(svg)).removeAlpha();
  return (blurSigma > 0 ? image.blur(blurSigma) : image).raw().toBuffer();
}

describe('toy-world image analyser', () => {
  for (const [label, blurSigma] of [['sharp', 0], ['blurred (soft edges, as a decoder draws them)', 1.2]] as const) {
  test(`reads every shape, size and position, in every colour, from independently drawn scenes: ${label}`, async () => {
    const world = toyWorld();
    const colours = Object.keys(world.colours);
    const misread: string[] = [];
    let i = 0;
    for (const shape of world.shapes) {
      for (const size of Object.keys(world.sizes)) {
        for (const position of Object.keys(world.positions)) {
          const colour = colours[i % colours.length]!;
          const background = colours[(i + 1 + Math.floor(i / colours.length)) % colours.length]!;
          i++;
          const scene = { background: background === colour ? colours[(i + 2) % colours.length]! : background, colour, shape, size, position };
          const { background: b, colour: c, shape: s, size: z, position: p } = analyseImage(await drawScene(scene, 64, blurSigma), 64, 64);
          if (JSON.stringify({ background: b, colour: c, shape: s, size: z, position: p }) !== JSON.stringify(scene)) {
            misread.push(`${JSON.stringify(scene)} read as ${JSON.stringify({ b, c, s, z, p })}`);
          }
        }
      }
    }
    assert.equal(i, 54);
    assert.deepEqual(misread, []);
  });
  }

  for (const [label, blurSigma] of [['sharp', 0], ['blurred', 1.2]] as const) {
    test(`reads the toy LoRA's bars in every size and position: ${label}`, async () => {
      const world = toyWorld();
      const colours = Object.keys(world.colours);
      const misread: string[] = [];
      let i = 0;
      for (const shape of world.novelShapes) {
        for (const size of Object.keys(world.sizes)) {
          for (const position of Object.keys(world.positions)) {
            const colour = colours[i % colours.length]!;
            const background = colours[(i + 3) % colours.length]!;
            i++;
            const scene = { background, colour, shape, size, position };
            const seen = analyseImage(await drawScene(scene, 64, blurSigma), 64, 64);
            const { background: b, colour: c, shape: s, size: z, position: p } = seen;
            if (JSON.stringify({ background: b, colour: c, shape: s, size: z, position: p }) !== JSON.stringify(scene)) {
              misread.push(`${JSON.stringify(scene)} read as ${JSON.stringify({ b, c, s, z, p, aspect: seen.aspect.toFixed(2) })}`);
            }
            // Drawn sharp, it fills its box and is 1 / barThickness times as wide as tall.
            if (blurSigma === 0) assert.ok(seen.fill > 0.85 && Math.abs(seen.aspect - 1 / world.barThickness) < 0.5, JSON.stringify(seen));
          }
        }
      }
      assert.equal(i, 18);
      assert.deepEqual(misread, []);
    });
  }

  test('works at other resolutions (positions and sizes are relative to the canvas)', async () => {
    const scene = { background: 'blue', colour: 'yellow', shape: 'circle', size: 'small', position: 'bottom left' };
    const analysis = analyseImage(await drawScene(scene, 128), 128, 128);
    assert.equal(analysis.position, 'bottom left');
    assert.equal(analysis.size, 'small');
    assert.equal(analysis.shape, 'circle');
  });

  test('a square with slightly concave sides (as diffusion models draw them at high guidance) is still a square', async () => {
    // Large square centred at (32, 32), each side pulled in by 2.5 px at its middle.
    const [a, b, m, n] = [19, 45, 21.5, 42.5];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="rgb(40,170,60)"/>
      <path d="M${a},${a} Q32,${m} ${b},${a} Q${n},32 ${b},${b} Q32,${n} ${a},${b} Q${m},32 ${a},${a} Z" fill="rgb(240,220,40)"/></svg>`;
    const analysis = analyseImage(await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer(), 64, 64);
    assert.equal(analysis.shape, 'square', `fill ${analysis.fill.toFixed(2)}, corners ${analysis.corners.toFixed(2)}`);
    assert.ok(analysis.fill < 0.89, 'below what a fill threshold alone would call a square');
  });

  test('a plain picture has no shape, so it cannot score by accident', async () => {
    const plain = Buffer.alloc(64 * 64 * 3, 128);
    assert.equal(analyseImage(plain, 64, 64).shape, 'none');
  });
});
