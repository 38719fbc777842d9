"""LoRA for the toy-shapes networks: low-rank adapters on Linear layers and on 3x3 convs (LoCon), their file
formats (kohya / AUTOMATIC1111 and diffusers / PEFT) and the merge into plain weights.

A wrapped layer computes base(x) + multiplier * (alpha / rank) * up(down(x)): for a Linear, down is [rank, in]
and up [out, rank]; for a conv, down is a conv with the base's kernel, stride and padding ([rank, in, k, k]) and
up a 1x1 conv ([out, rank, 1, 1]), as LoCon does. Merged, W' = W + weight * (alpha / rank) * up @ down (convs
flattened to matrices over in * k * k). Module paths are nets.py's, which the ONNX export keeps in its node
names (`/down0_attn/attn1/to_q/MatMul` is down0_attn.attn1.to_q).
"""
import math

import numpy as np
import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base, self.rank, self.alpha, self.multiplier = base, rank, alpha, 1.0
        self.down = nn.Linear(base.in_features, rank, bias=False)
        self.up = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.up.weight)  # starts as the base model exactly

    def forward(self, x):
        return self.base(x) + self.multiplier * (self.alpha / self.rank) * self.up(self.down(x))


class LoRAConv(nn.Module):
    def __init__(self, base: nn.Conv2d, rank: int, alpha: float):
        super().__init__()
        self.base, self.rank, self.alpha, self.multiplier = base, rank, alpha, 1.0
        self.down = nn.Conv2d(base.in_channels, rank, base.kernel_size, base.stride, base.padding, bias=False)
        self.up = nn.Conv2d(rank, base.out_channels, 1, bias=False)
        nn.init.kaiming_uniform_(self.down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.up.weight)

    def forward(self, x):
        return self.base(x) + self.multiplier * (self.alpha / self.rank) * self.up(self.down(x))


def unet_targets(unet):
    """Every attention projection, proj_in/out and feed-forward of the transformer blocks, and the 3x3 convs of
    the ResNet blocks (LoCon)."""
    names = []
    for name, module in unet.named_modules():
        leaf = name.rsplit(".", 1)[-1]
        if isinstance(module, nn.Linear) and leaf in ("to_q", "to_k", "to_v", "to_out", "proj_in", "proj_out", "ff_in", "ff_out"):
            names.append(name)
        elif isinstance(module, nn.Conv2d) and leaf in ("conv1", "conv2") and module.kernel_size == (3, 3):
            names.append(name)
    return names


def text_targets(text_encoder):
    return [name for name, module in text_encoder.named_modules()
            if isinstance(module, nn.Linear) and name.rsplit(".", 1)[-1] in ("to_q", "to_k", "to_v", "to_out", "fc1", "fc2")]


def inject(root, names, rank, alpha):
    """Wraps each named submodule of root in place; returns {name: wrapper}."""
    wrappers = {}
    for name in names:
        parent_name, _, leaf = name.rpartition(".")
        parent = root.get_submodule(parent_name) if parent_name else root
        base = getattr(parent, leaf)
        wrapper = (LoRAConv if isinstance(base, nn.Conv2d) else LoRALinear)(base, rank, alpha)
        setattr(parent, leaf, wrapper)
        wrappers[name] = wrapper
    return wrappers


def set_multiplier(wrappers, value):
    for w in wrappers.values():
        w.multiplier = value


# ---------------------------------------------------------------- file formats

PREFIXES = {"unet": ("lora_unet_", "unet."), "text_encoder": ("lora_te_", "text_encoder.")}


def kohya_tensors(parts, dtype=np.float16):
    """parts: {"unet": wrappers, "text_encoder": wrappers} -> kohya / A1111 keys (`lora_unet_down0_attn_attn1_to_q
    .lora_down.weight`, `.lora_up.weight`, `.alpha` as a 0-dim float32)."""
    out = {}
    for part, wrappers in parts.items():
        for name, w in wrappers.items():
            key = PREFIXES[part][0] + name.replace(".", "_")
            out[key + ".lora_down.weight"] = w.down.weight.detach().numpy().astype(dtype)
            out[key + ".lora_up.weight"] = w.up.weight.detach().numpy().astype(dtype)
            out[key + ".alpha"] = np.array(w.alpha, dtype=np.float32)
    return out


def peft_tensors(parts, dtype=np.float16):
    """The same adapters as diffusers / PEFT keys: lora_A = down, lora_B = up * alpha / rank (no alpha key)."""
    out = {}
    for part, wrappers in parts.items():
        for name, w in wrappers.items():
            key = PREFIXES[part][1] + name
            out[key + ".lora_A.weight"] = w.down.weight.detach().numpy().astype(dtype)
            out[key + ".lora_B.weight"] = (w.up.weight.detach().numpy() * (w.alpha / w.rank)).astype(dtype)
    return out


def load_into(parts, tensors):
    """Sets the wrappers' down/up weights (and alpha) from kohya tensors, so a network runs what a file holds."""
    for part, wrappers in parts.items():
        for name, w in wrappers.items():
            key = PREFIXES[part][0] + name.replace(".", "_")
            with torch.no_grad():
                w.down.weight.copy_(torch.from_numpy(tensors[key + ".lora_down.weight"].astype(np.float32)))
                w.up.weight.copy_(torch.from_numpy(tensors[key + ".lora_up.weight"].astype(np.float32)))
            w.alpha = float(tensors[key + ".alpha"])


def merge_kohya(module, tensors, prefix, weight):
    """Adds weight * (alpha / rank) * up @ down to each plain module's weight, in place (module has no wrappers)."""
    merged = 0
    for key in [k for k in tensors if k.startswith(prefix) and k.endswith(".lora_down.weight")]:
        stem = key[: -len(".lora_down.weight")]
        target = _module_for(module, stem[len(prefix):])
        down = torch.from_numpy(tensors[key].astype(np.float32))
        up = torch.from_numpy(tensors[stem + ".lora_up.weight"].astype(np.float32))
        rank = down.shape[0]
        scale = weight * float(tensors[stem + ".alpha"]) / rank
        delta = up.reshape(up.shape[0], rank) @ down.reshape(rank, -1)
        with torch.no_grad():
            target.weight.add_(scale * delta.reshape(target.weight.shape))
        merged += 1
    return merged


def _module_for(root, underscored):
    """The module whose dotted path, with every . replaced by _, is `underscored` (paths hold _ too)."""
    for name, module in root.named_modules():
        if name.replace(".", "_") == underscored:
            return module
    raise KeyError(underscored)
