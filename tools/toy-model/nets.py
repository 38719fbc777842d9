"""The three networks of the toy-shapes model, shaped like Stable Diffusion 1.x's, only small.

- TextEncoder: CLIP's text transformer (token + position embeddings, pre-LN causal self-attention layers with
  quick-GELU MLPs, final LayerNorm; pooled output at the end token, found by argmax as CLIP does).
- UNet: epsilon-prediction UNet on 8x8x4 latents: ResNet blocks with a timestep embedding, and transformer
  blocks (self-attention, cross-attention to the text, GEGLU feed-forward) at 8x8 and 4x4.
- Vae: encoder 64x64x3 -> 8x8x(mean, logvar); decoder 8x8x4 -> 64x64x3 in [-1, 1], as diffusers' AutoencoderKL
  (16 latent channels for the toy-flow model, as SD3's and FLUX's).

Attention is written out (no nn.MultiheadAttention) so the ONNX export is plain MatMul/Softmax.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups_for(channels: int) -> int:
    return 16 if channels % 16 == 0 else 8


class Attention(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x, context, mask=None):
        b, n, d = x.shape
        h = self.heads
        q = self.to_q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.to_k(context).reshape(b, context.shape[1], h, d // h).transpose(1, 2)
        v = self.to_v(context).reshape(b, context.shape[1], h, d // h).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(d // h))
        if mask is not None:
            scores = scores + mask
        out = scores.softmax(dim=-1) @ v
        return self.to_out(out.transpose(1, 2).reshape(b, n, d))


# ---------------------------------------------------------------- text encoder


class TextLayer(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width)
        self.self_attn = Attention(width, width, heads)
        self.layer_norm2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, width * 4)
        self.fc2 = nn.Linear(width * 4, width)

    def forward(self, x, mask):
        y = self.layer_norm1(x)
        x = x + self.self_attn(y, y, mask)
        y = self.fc1(self.layer_norm2(x))
        return x + self.fc2(y * torch.sigmoid(1.702 * y))  # quick GELU, as CLIP


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, width: int, layers: int, heads: int, length: int = 77):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Parameter(torch.randn(length, width) * 0.01)
        self.layers = nn.ModuleList([TextLayer(width, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(width)
        self.register_buffer("causal_mask", torch.full((length, length), float("-inf")).triu(1), persistent=False)

    def forward(self, input_ids):
        ids = input_ids.long()
        x = self.token_embedding(ids) + self.position_embedding
        for layer in self.layers:
            x = layer(x, self.causal_mask)
        x = self.final_layer_norm(x)
        pooled = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
        return x, pooled


# ---------------------------------------------------------------- UNet


def timestep_features(t, dim: int):
    """Sinusoidal features of the timestep, cos first (diffusers' flip_sin_to_cos=True, freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups_for(cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2 = nn.GroupNorm(groups_for(cout), cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Transformer(nn.Module):
    """diffusers' Transformer2DModel with one BasicTransformerBlock."""

    def __init__(self, channels: int, context_dim: int, heads: int):
        super().__init__()
        self.norm = nn.GroupNorm(groups_for(channels), channels)
        self.proj_in = nn.Linear(channels, channels)
        self.norm1 = nn.LayerNorm(channels)
        self.attn1 = Attention(channels, channels, heads)
        self.norm2 = nn.LayerNorm(channels)
        self.attn2 = Attention(channels, context_dim, heads)
        self.norm3 = nn.LayerNorm(channels)
        self.ff_in = nn.Linear(channels, channels * 8)  # GEGLU: value and gate, 4x wide each
        self.ff_out = nn.Linear(channels * 4, channels)
        self.proj_out = nn.Linear(channels, channels)

    def forward(self, x, context):
        b, c, hgt, wid = x.shape
        tokens = self.proj_in(self.norm(x).reshape(b, c, hgt * wid).transpose(1, 2))
        y = self.norm1(tokens)
        tokens = tokens + self.attn1(y, y)
        tokens = tokens + self.attn2(self.norm2(tokens), context)
        value, gate = self.ff_in(self.norm3(tokens)).chunk(2, dim=-1)
        tokens = tokens + self.ff_out(value * F.gelu(gate))
        out = self.proj_out(tokens).transpose(1, 2).reshape(b, c, hgt, wid)
        return x + out


class UNet(nn.Module):
    def __init__(self, channels=(64, 128), context_dim=128, heads=4, time_features=64, time_dim=256):
        super().__init__()
        c0, c1 = channels
        self.time_features = time_features
        self.time_embedding = nn.Sequential(nn.Linear(time_features, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.conv_in = nn.Conv2d(4, c0, 3, padding=1)
        self.down0 = ResBlock(c0, c0, time_dim)
        self.down0_attn = Transformer(c0, context_dim, heads)
        self.downsample = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResBlock(c0, c1, time_dim)
        self.down1_attn = Transformer(c1, context_dim, heads)
        self.mid1 = ResBlock(c1, c1, time_dim)
        self.mid_attn = Transformer(c1, context_dim, heads)
        self.mid2 = ResBlock(c1, c1, time_dim)
        self.up1 = ResBlock(c1 + c1, c1, time_dim)
        self.up1_attn = Transformer(c1, context_dim, heads)
        self.upsample = nn.Conv2d(c1, c1, 3, padding=1)
        self.up0 = ResBlock(c1 + c0, c0, time_dim)
        self.up0_attn = Transformer(c0, context_dim, heads)
        self.norm_out = nn.GroupNorm(groups_for(c0), c0)
        self.conv_out = nn.Conv2d(c0, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        t = timestep.reshape(-1).expand(sample.shape[0]) if timestep.numel() == 1 else timestep
        temb = self.time_embedding(timestep_features(t, self.time_features))
        ctx = encoder_hidden_states
        x = self.conv_in(sample)
        skip0 = self.down0_attn(self.down0(x, temb), ctx)
        x = self.down1_attn(self.down1(self.downsample(skip0), temb), ctx)
        skip1 = x
        x = self.mid2(self.mid_attn(self.mid1(x, temb), ctx), temb)
        x = self.up1_attn(self.up1(torch.cat([x, skip1], dim=1), temb), ctx)
        x = self.upsample(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        x = self.up0_attn(self.up0(torch.cat([x, skip0], dim=1), temb), ctx)
        return self.conv_out(F.silu(self.norm_out(x)))


# ---------------------------------------------------------------- VAE


class VaeEncoder(nn.Module):
    def __init__(self, channels=(16, 32, 64, 96), latent_channels=4):
        super().__init__()
        c = channels
        self.conv_in = nn.Conv2d(3, c[0], 3, padding=1)
        layers = []
        for a, b in zip(c[:-1], c[1:]):
            layers += [nn.Conv2d(a, b, 3, stride=2, padding=1), ResBlock(b, b, 0)]
        self.blocks = nn.ModuleList(layers)
        self.norm_out = nn.GroupNorm(groups_for(c[-1]), c[-1])
        self.conv_out = nn.Conv2d(c[-1], 2 * latent_channels, 3, padding=1)
        with torch.no_grad():
            # Start with a small posterior variance: with logvar 0 the sampled latents are mostly noise and the
            # decoder spends its first thousands of steps learning to ignore them.
            self.conv_out.bias[latent_channels:].fill_(-6.0)

    def forward(self, image):
        x = self.conv_in(image)
        for block in self.blocks:
            x = block(x)
        moments = self.conv_out(F.silu(self.norm_out(x)))
        mean, logvar = moments.chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)


class VaeDecoder(nn.Module):
    def __init__(self, channels=(96, 64, 32, 16), latent_channels=4):
        super().__init__()
        c = channels
        self.conv_in = nn.Conv2d(latent_channels, c[0], 3, padding=1)
        self.mid = ResBlock(c[0], c[0], 0)
        self.ups = nn.ModuleList()
        for a, b in zip(c[:-1], c[1:]):
            self.ups.append(nn.ModuleList([nn.Conv2d(a, b, 3, padding=1), ResBlock(b, b, 0)]))
        self.norm_out = nn.GroupNorm(groups_for(c[-1]), c[-1])
        self.conv_out = nn.Conv2d(c[-1], 3, 3, padding=1)

    def forward(self, latents):
        x = self.mid(self.conv_in(latents))
        for conv, block in self.ups:
            x = block(conv(F.interpolate(x, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(x)))
