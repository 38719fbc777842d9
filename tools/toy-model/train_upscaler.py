"""A small real 2x super-resolution network for the toy world, exported to ONNX as upscaler models are
(input [B, 3, H, W] RGB in 0..1, output [B, 3, 2H, 2W]), shipped as models/upscalers/toy-2x.onnx.

    /usr/bin/python3 tools/toy-model/train_upscaler.py [--steps 3000]

Trained on pairs rendered by the toy world (world.py): a 64x64 scene and its 2x2-averaged 32x32 copy. The
network predicts what a bilinear enlargement misses: four 3x3 convolutions and a pixel shuffle, added to the
bilinear 2x of its input, so an untrained network is bilinear and a trained one sharpens the shapes' edges.
The tests (test/diffusion/upscaler-model.test.ts) compare it with bicubic on pictures it never saw.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import world  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "models", "upscalers", "toy-2x.onnx")


class ToyUpscaler(nn.Module):
    def __init__(self, channels=32, scale=2):
        super().__init__()
        self.scale = scale
        self.body = nn.Sequential(
            nn.Conv2d(3, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, 3 * scale * scale, 3, padding=1),
        )
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        base = F.interpolate(x, scale_factor=self.scale, mode="bilinear", align_corners=False)
        return base + self.shuffle(self.body(x))


def pairs(rng, count):
    """`count` scenes: the 64x64 picture (the target) and its 2x2 average (the input), as [N, 3, H, W]."""
    high = np.stack([world.render(world.random_scene(rng)) for _ in range(count)]).transpose(0, 3, 1, 2)
    low = high.reshape(count, 3, 32, 2, 32, 2).mean(axis=(3, 5))
    return torch.from_numpy(low.astype(np.float32)), torch.from_numpy(high.astype(np.float32))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(1234)
    low, high = pairs(rng, 4000)
    held_low, held_high = pairs(np.random.default_rng(99), 200)
    model = ToyUpscaler()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.steps)
    started = time.time()
    for step in range(1, args.steps + 1):
        pick = torch.randint(0, low.shape[0], (args.batch,))
        loss = F.mse_loss(model(low[pick]), high[pick])  # L1 stalls at the bilinear start on flat pictures
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 500 == 0 or step == args.steps:
            with torch.no_grad():
                psnr = lambda a: float(-10 * torch.log10(F.mse_loss(a.clamp(0, 1), held_high)))  # noqa: E731
                ours = psnr(model(held_low))
                bicubic = psnr(F.interpolate(held_low, scale_factor=2, mode="bicubic", align_corners=False))
            print(f"step {step} loss {loss.item():.4f} held-out PSNR {ours:.2f} dB (bicubic {bicubic:.2f}) {time.time() - started:.0f}s", flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, 3, 32, 32), OUT, input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch", 2: "height2", 3: "width2"}},
        opset_version=17,
    )
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
