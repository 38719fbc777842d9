# Reference values for the TAESD tests: PyTorch TAESD (layout from ../shared/reference/README.md) on the shared
# bf16 weights. Usage: /usr/bin/python3 tools/taesd-fixtures/make_taesd_fixtures.py > test/fixtures/taesd.json
# (Debian python3-torch). Decodes seeded noise and round-trips a 64x64 test card (red/green ramps, blue disc).
import json, struct, sys, numpy as np, torch, torch.nn as nn
def load(path):
    b = open(path,'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n]); data = b[8+n:]
    out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']; raw = np.frombuffer(data[s:e], dtype=np.uint16).astype(np.uint32) << 16
        out[k] = torch.from_numpy(raw.view(np.float32).reshape(v['shape']).copy())
    return out
def conv(i, o, **kw): return nn.Conv2d(i, o, 3, padding=1, **kw)
class Clamp(nn.Module):
    def forward(self, x): return torch.tanh(x / 3) * 3
class Block(nn.Module):
    def __init__(s, n):
        super().__init__(); s.conv = nn.Sequential(conv(n, n), nn.ReLU(), conv(n, n), nn.ReLU(), conv(n, n)); s.fuse = nn.ReLU()
    def forward(s, x): return s.fuse(s.conv(x) + x)
dec = nn.Sequential(Clamp(), conv(4, 64), nn.ReLU(), Block(64), Block(64), Block(64), nn.Upsample(scale_factor=2), conv(64, 64, bias=False),
    Block(64), Block(64), Block(64), nn.Upsample(scale_factor=2), conv(64, 64, bias=False), Block(64), Block(64), Block(64), nn.Upsample(scale_factor=2), conv(64, 64, bias=False), Block(64), conv(64, 3))
enc = nn.Sequential(conv(3, 64), Block(64), conv(64, 64, stride=2, bias=False), Block(64), Block(64), Block(64), conv(64, 64, stride=2, bias=False), Block(64), Block(64), Block(64), conv(64, 64, stride=2, bias=False), Block(64), Block(64), Block(64), conv(64, 4))
dec.load_state_dict(load('/work/shared/reference/taesd/taesd_decoder.safetensors'))
enc.load_state_dict(load('/work/shared/reference/taesd/taesd_encoder.safetensors'))
S = 64; y, x = torch.meshgrid(torch.arange(S), torch.arange(S), indexing='ij')
img = torch.stack([x / (S - 1), y / (S - 1), (((x - 32) ** 2 + (y - 32) ** 2) < 16 ** 2).float()]).float()[None]
with torch.no_grad():
    lat = enc(img); out = dec(lat).clamp(0, 1)
mse = ((out - img) ** 2).mean().item(); 
g = torch.Generator().manual_seed(3); z = torch.randn(1, 4, 8, 8, generator=g)
with torch.no_grad(): d = dec(z)
json.dump({'source': 'tools/taesd-fixtures/make_taesd_fixtures.py with Debian python3-torch ' + torch.__version__, 'latent': z.flatten().tolist(), 'decoded_sum': d.sum().item(), 'decoded_first': d.flatten()[:8].tolist(), 'decoded_mean_abs': d.abs().mean().item(), 'psnr_card': 10 * np.log10(1 / mse)}, sys.stdout, indent=1)
