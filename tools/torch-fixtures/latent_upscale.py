"""Reference outputs of torch.nn.functional.interpolate for the hires fix's latent upscalers.

AUTOMATIC1111's "Latent" upscalers are interpolate(samples, size=(h, w), mode=..., antialias=...) on the
first pass's latents. This writes a small latent, its upscales by every mode at an integer and a fractional
scale, to test/fixtures/latent-upscale.json. Run with Debian's torch: /usr/bin/python3 tools/torch-fixtures/latent_upscale.py
"""
import json
import pathlib

import torch
import torch.nn.functional as F

MODES = {
    "latent": ("bilinear", False),
    "latent-antialiased": ("bilinear", True),
    "latent-bicubic": ("bicubic", False),
    "latent-bicubic-antialiased": ("bicubic", True),
    "latent-nearest": ("nearest", False),
    "latent-nearest-exact": ("nearest-exact", False),
}

generator = torch.Generator().manual_seed(7)
source = torch.randn((2, 4, 5, 7), generator=generator)
cases = []
for size in [(10, 14), (8, 11)]:
    for name, (mode, antialias) in MODES.items():
        kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
        out = F.interpolate(source, size=size, mode=mode, antialias=antialias, **kwargs)
        cases.append({"upscaler": name, "size": list(size), "data": [round(v, 7) for v in out.flatten().tolist()]})

path = pathlib.Path(__file__).resolve().parents[2] / "test/fixtures/latent-upscale.json"
path.write_text(json.dumps({"torch": torch.__version__, "dims": list(source.shape), "source": [round(v, 7) for v in source.flatten().tolist()], "cases": cases}))
print(f"wrote {path} ({len(cases)} cases)")
