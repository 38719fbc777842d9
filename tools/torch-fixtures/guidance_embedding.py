"""Expected values for LCM's guidance-scale embedding (test/diffusion/model-families.test.ts).

Computes diffusers' LatentConsistencyModelPipeline.get_guidance_scale_embedding in PyTorch, written out here
from its definition (w * 1000, frequencies exp(-ln(10000) i / (half - 1)), [sin, cos]), in float32 as diffusers
runs it. Run with Debian's python3-torch: /usr/bin/python3 tools/torch-fixtures/guidance_embedding.py
"""
import json

import torch


def guidance_embedding(w: float, dim: int) -> torch.Tensor:
    scaled = torch.tensor([w]) * 1000.0
    half = dim // 2
    step = torch.log(torch.tensor(10000.0)) / (half - 1)
    frequencies = torch.exp(torch.arange(half, dtype=torch.float32) * -step)
    angles = scaled.to(torch.float32)[:, None] * frequencies[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)[0]


if __name__ == '__main__':
    picks = [0, 1, 2, 63, 127, 128, 129, 200, 255]
    print(json.dumps({
        'torch': torch.__version__,
        'w7.5_dim16': [round(float(v), 7) for v in guidance_embedding(7.5, 16)],
        'w0.5_dim256_at': picks,
        'w0.5_dim256': [round(float(guidance_embedding(0.5, 256)[i]), 7) for i in picks],
    }))
