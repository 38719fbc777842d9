"""Samples a training checkpoint in PyTorch and scores the pictures roughly, to decide whether to train on.

    python3 tools/toy-model/sample.py [--scenes 48] [--out work/samples.png]

DDIM with 20 steps and guidance 5 from the EMA weights in work/diffusion.pt, on scenes the training data did
not draw (seed 12345). The scoring is a quick version of the test suite's analyser (test/support/shape-analyser.ts,
which is the one that counts): background from the border, the shape as every pixel far from it.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import train  # noqa: E402
import world  # noqa: E402


def ddim(unet, context, uncond, steps, guidance, generator):
    batch = context.shape[0]
    x = torch.randn(batch, 4, 8, 8, generator=generator)
    ab = train.ALPHAS_CUMPROD
    timesteps = list(range(999, -1, -1000 // steps))[:steps]
    for i, t in enumerate(timesteps):
        tt = torch.full((2 * batch,), float(t))
        eps_u, eps_c = unet(torch.cat([x, x]), tt, torch.cat([uncond, context])).chunk(2)
        eps = eps_u + guidance * (eps_c - eps_u)
        prev = ab[timesteps[i + 1]] if i + 1 < len(timesteps) else torch.tensor(1.0)
        x0 = (x - (1 - ab[t]).sqrt() * eps) / ab[t].sqrt()
        x = prev.sqrt() * x0 + (1 - prev).sqrt() * eps
    return x


def nearest(rgb, names):
    return min(names, key=lambda n: np.linalg.norm(np.array(world.WORLD["colours"][n]) - rgb))


def analyse(image):
    border = np.concatenate([image[:2].reshape(-1, 3), image[-2:].reshape(-1, 3), image[:, :2].reshape(-1, 3), image[:, -2:].reshape(-1, 3)])
    bg = np.median(border, axis=0)
    mask = np.linalg.norm(image - bg, axis=-1) > 45
    if mask.sum() < 12:
        return nearest(bg, world.COLOURS), None, None, None
    ys, xs = np.nonzero(mask)
    anchors = np.array(world.WORLD["anchors"])
    col, row = np.abs(anchors - (xs.mean() + 0.5)).argmin(), np.abs(anchors - (ys.mean() + 0.5)).argmin()
    position = next(p for p, (c, r) in world.WORLD["positions"].items() if c == col and r == row)
    fill = mask.sum() / ((xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1))
    kind = "square" if fill >= 0.89 else "circle" if fill >= 0.64 else "triangle"
    return nearest(bg, world.COLOURS), nearest(np.median(image[mask], axis=0), world.COLOURS), position, kind


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenes", type=int, default=48)
    parser.add_argument("--out", default=os.path.join(train.WORK, "samples.png"))
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count())
    nets = train.load_trained()
    tokenizer = train.Tokenizer()
    text_encoder, unet, decoder = nets["text_encoder"], nets["unet"], nets["decoder"]

    rng = np.random.default_rng(12345)
    scenes = [world.random_scene(rng) for _ in range(args.scenes)]
    ids = torch.tensor([tokenizer.encode(world.caption(s, rng)) for s in scenes], dtype=torch.int32)
    with torch.no_grad():
        context, _ = text_encoder(ids)
        uncond, _ = text_encoder(torch.tensor([tokenizer.encode("")] * len(scenes), dtype=torch.int32))
        latents = ddim(unet, context, uncond, 20, 5.0, torch.Generator().manual_seed(0))
        images = ((decoder(latents / nets["scaling_factor"]).clamp(-1, 1) + 1) * 127.5).permute(0, 2, 3, 1).numpy()
    right = np.zeros(3)
    for scene, image in zip(scenes, images):
        bg, colour, position, kind = analyse(image)
        shape = scene.shapes[0]
        right += [bg == scene.background and colour == shape.colour, position == shape.position, kind == shape.kind]
    print(f"step {nets['step']}: colours {right[0] / len(scenes):.0%}, position {right[1] / len(scenes):.0%}, "
          f"shape {right[2] / len(scenes):.0%} of {len(scenes)}")
    try:
        from PIL import Image

        rows = [np.concatenate(list(images[i : i + 12]), axis=1) for i in range(0, len(images) - len(images) % 12, 12)]
        Image.fromarray(np.concatenate(rows, axis=0).round().astype(np.uint8)).save(args.out)
        print(f"grid -> {args.out}")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
