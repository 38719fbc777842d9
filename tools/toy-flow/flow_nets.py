"""The networks of the toy-flow model, shaped like Stable Diffusion 3's, only small.

- T5Encoder: T5's encoder as SD3 uses it (token embedding, pre-RMSNorm self-attention and gated-GELU feed-forward
  layers, final RMSNorm; no attention mask, as diffusers' SD3 pipeline passes none), with learned absolute
  positions instead of T5's relative position buckets (the sequence is a fixed 32 tokens here).
- MMDiT: SD3's joint-attention transformer: 2x2 patches of the 16-channel latent plus a learned position table
  (centre-cropped as SD3 crops its own), the timestep's sinusoidal features plus the pooled text projected to
  the conditioning vector, the text states projected by the context embedder, joint blocks in which image and
  text tokens attend to each other with their own adaLN-modulated norms, projections and MLPs, and a final
  adaLN layer back to patches: the velocity `out_hidden_states`.

Attention is written out (no nn.MultiheadAttention) so the ONNX export is plain MatMul/Softmax.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)


def attention(q, k, v, heads):
    """Scaled dot-product attention over [B, N, D] tensors split into `heads`."""
    b, n, d = q.shape
    m = k.shape[1]
    q = q.reshape(b, n, heads, d // heads).transpose(1, 2)
    k = k.reshape(b, m, heads, d // heads).transpose(1, 2)
    v = v.reshape(b, m, heads, d // heads).transpose(1, 2)
    scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(d // heads))
    return (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, d)


class T5Layer(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1 = RMSNorm(width)
        self.qkv = nn.Linear(width, 3 * width, bias=False)
        self.out = nn.Linear(width, width, bias=False)
        self.norm2 = RMSNorm(width)
        self.wi = nn.Linear(width, 4 * width, bias=False)  # gate and value, 2x wide each
        self.wo = nn.Linear(2 * width, width, bias=False)

    def forward(self, x):
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        x = x + self.out(attention(q, k, v, self.heads))
        gate, value = self.wi(self.norm2(x)).chunk(2, dim=-1)
        return x + self.wo(F.gelu(gate, approximate="tanh") * value)


class T5Encoder(nn.Module):
    def __init__(self, vocab_size: int, width: int, layers: int, heads: int, length: int):
        super().__init__()
        self.shared = nn.Embedding(vocab_size, width)
        self.position = nn.Parameter(torch.randn(length, width) * 0.02)
        self.layers = nn.ModuleList([T5Layer(width, heads) for _ in range(layers)])
        self.final_norm = RMSNorm(width)

    def forward(self, input_ids):
        x = self.shared(input_ids.long()) + self.position
        for layer in self.layers:
            x = layer(x)
        return self.final_norm(x)


def timestep_features(t, dim: int):
    """Sinusoidal features of the timestep (sigma x 1000), cos first, as SD3's Timesteps(flip_sin_to_cos=True)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def modulate(x, shift, scale):
    return x * (1 + scale[:, None, :]) + shift[:, None, :]


class JointBlock(nn.Module):
    """One MMDiT block: image and text streams, each adaLN-modulated by the conditioning, attending jointly."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        for stream in ("x", "c"):
            setattr(self, f"{stream}_mod", nn.Linear(width, 6 * width))
            setattr(self, f"{stream}_norm1", nn.LayerNorm(width, elementwise_affine=False, eps=1e-6))
            setattr(self, f"{stream}_qkv", nn.Linear(width, 3 * width))
            setattr(self, f"{stream}_out", nn.Linear(width, width))
            setattr(self, f"{stream}_norm2", nn.LayerNorm(width, elementwise_affine=False, eps=1e-6))
            setattr(self, f"{stream}_mlp", nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"), nn.Linear(4 * width, width)))
        for stream in ("x", "c"):
            # adaLN-zero: each block starts as the identity.
            nn.init.zeros_(getattr(self, f"{stream}_mod").weight)
            nn.init.zeros_(getattr(self, f"{stream}_mod").bias)

    def forward(self, x, c, cond):
        n = x.shape[1]
        mods = {}
        qkv = []
        for stream, tokens in (("x", x), ("c", c)):
            m = getattr(self, f"{stream}_mod")(F.silu(cond)).chunk(6, dim=-1)
            mods[stream] = m
            qkv.append(getattr(self, f"{stream}_qkv")(modulate(getattr(self, f"{stream}_norm1")(tokens), m[0], m[1])))
        q, k, v = torch.cat(qkv, dim=1).chunk(3, dim=-1)
        joint = attention(q, k, v, self.heads)
        out = []
        for stream, tokens, part in (("x", x, joint[:, :n]), ("c", c, joint[:, n:])):
            m = mods[stream]
            tokens = tokens + m[2][:, None, :] * getattr(self, f"{stream}_out")(part)
            tokens = tokens + m[5][:, None, :] * getattr(self, f"{stream}_mlp")(modulate(getattr(self, f"{stream}_norm2")(tokens), m[3], m[4]))
            out.append(tokens)
        return out[0], out[1]


class MMDiT(nn.Module):
    def __init__(self, channels: int, width: int, depth: int, heads: int, joint_attention_dim: int, pooled_dim: int,
                 pos_max: int, time_features: int = 256):
        super().__init__()
        self.channels = channels
        self.time_features = time_features
        self.pos_max = pos_max
        self.patch = nn.Conv2d(channels, width, 2, stride=2)
        self.pos_embed = nn.Parameter(torch.randn(1, pos_max, pos_max, width) * 0.02)
        self.time_embed = nn.Sequential(nn.Linear(time_features, width), nn.SiLU(), nn.Linear(width, width))
        self.text_embed = nn.Sequential(nn.Linear(pooled_dim, width), nn.SiLU(), nn.Linear(width, width))
        self.context_embedder = nn.Linear(joint_attention_dim, width)
        self.blocks = nn.ModuleList([JointBlock(width, heads) for _ in range(depth)])
        self.final_mod = nn.Linear(width, 2 * width)
        self.final_norm = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.proj_out = nn.Linear(width, 2 * 2 * channels)
        nn.init.zeros_(self.final_mod.weight)
        nn.init.zeros_(self.final_mod.bias)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep):
        b, _, h, w = hidden_states.shape
        ph, pw = h // 2, w // 2
        x = self.patch(hidden_states)  # [B, W, ph, pw]
        # The position table centre-cropped to the patch grid, as SD3's cropped_pos_embed.
        top = (self.pos_max - ph) // 2
        left = (self.pos_max - pw) // 2
        pos = self.pos_embed[:, top : top + ph, left : left + pw, :]
        x = x.permute(0, 2, 3, 1) + pos
        x = x.reshape(b, ph * pw, -1)
        t = timestep.reshape(-1).expand(b) if timestep.numel() == 1 else timestep
        cond = self.time_embed(timestep_features(t, self.time_features)) + self.text_embed(pooled_projections)
        c = self.context_embedder(encoder_hidden_states)
        for block in self.blocks:
            x, c = block(x, c, cond)
        shift, scale = self.final_mod(F.silu(cond)).chunk(2, dim=-1)
        x = self.proj_out(modulate(self.final_norm(x), shift, scale))  # [B, ph*pw, 2*2*C]
        x = x.reshape(b, ph, pw, 2, 2, self.channels).permute(0, 5, 1, 3, 2, 4)
        return x.reshape(b, self.channels, h, w)
