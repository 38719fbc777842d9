"""Trains a LoRA on the committed toy-shapes model that teaches it a shape it cannot draw, the bar, and
writes it in the kohya / AUTOMATIC1111 format and the diffusers / PEFT format, from the same weights.

    python3 tools/toy-model/train_lora.py [--steps 1500]      # after recover.py (needs work/ with the model)

The base weights stay frozen; rank-8 adapters (alpha 4, so scale 0.5) go on every attention projection,
proj_in/proj_out and feed-forward layer of the UNet's transformer blocks, on the 3x3 convs of its ResNet blocks
(LoCon), and on the text encoder's attention and MLP layers. "bar" is not one of the tokenizer's words: BPE
spells it in pieces, which the text encoder's adapters learn to read. Training data: scenes drawn with a
bar, captioned by the world's templates, mixed with ordinary scenes (so the other prompts stay as they were),
as latents from the committed VAE encoder. Plain epsilon loss (every timestep alike), as the base model's last
training rounds.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import captions  # noqa: E402
import lora  # noqa: E402
import safetensors_file  # noqa: E402
import train  # noqa: E402
import world  # noqa: E402

# The kohya file ships with the server (models/loras/, the README's example); the PEFT copy is for the tests.
SHIPPED = os.path.join(train.REPO, "models", "loras")
FIXTURES = os.path.join(train.REPO, "test", "fixtures", "loras")
NAME = "toy-bar"


def make_latents(novel, ordinary, seed, encoder, scaling_factor):
    """Scenes (the novel shape's first) and their scaled VAE latents."""
    rng = np.random.default_rng(seed)
    scenes = [world.random_scene(rng, world.NOVEL_SHAPES) for _ in range(novel)]
    scenes += [world.random_scene(rng) for _ in range(ordinary)]
    latents = []
    with torch.no_grad():
        for i in range(0, len(scenes), 500):
            images = np.stack([np.round(world.render(s) * 255).astype(np.uint8) for s in scenes[i : i + 500]])
            latents.append(encoder(train.to_model_range(torch.from_numpy(images)))[0] * scaling_factor)
    return scenes, torch.cat(latents)


def load_networks():
    nets = train.load_trained()
    for name in ("text_encoder", "unet", "encoder", "decoder"):
        nets[name].requires_grad_(False)
    return nets


def with_adapters(nets, rank, alpha):
    return {"unet": lora.inject(nets["unet"], lora.unet_targets(nets["unet"]), rank, alpha),
            "text_encoder": lora.inject(nets["text_encoder"], lora.text_targets(nets["text_encoder"]), rank, alpha)}


def train_lora(args):
    torch.manual_seed(args.seed)
    nets = load_networks()
    tokenizer = captions.CaptionTokenizer(world.NOVEL_SHAPES)
    scenes, latents = make_latents(args.novel, args.ordinary, args.seed, nets["encoder"], nets["scaling_factor"])
    train.log(f"lora: {args.novel} {world.NOVEL_SHAPES[0]} and {args.ordinary} ordinary scenes encoded")
    parts = with_adapters(nets, args.rank, args.alpha)
    params = [p for wrappers in parts.values() for w in wrappers.values() for p in (w.down.weight, w.up.weight)]
    train.log(f"lora: {sum(len(w) for w in parts.values())} adapted layers, {sum(p.numel() for p in params)} parameters")
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    rng = np.random.default_rng(args.seed)
    empty = tokenizer.encode("")
    text_encoder, unet = nets["text_encoder"].train(), nets["unet"].train()
    tags = {}
    running, start = None, time.time()
    for step in range(1, args.steps + 1):
        for group in opt.param_groups:
            group["lr"] = args.lr * min(1.0, step / 100) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps)))
        ordinary = rng.random(args.batch) < args.ordinary_share
        index = np.where(ordinary, args.novel + rng.integers(args.ordinary, size=args.batch), rng.integers(args.novel, size=args.batch))
        texts = []
        for i in index:
            # Captions dropped from every kind of scene, as in the base model's training: the unconditional
            # prediction then knows bars too, and guidance does not overshoot them (dropping only the ordinary
            # scenes' captions drew bars in haloes of shifted colour at guidance 5).
            text = "" if rng.random() < args.caption_dropout else world.caption(scenes[i], rng)
            texts.append(text)
            if text:
                kind = scenes[i].shapes[0].kind
                tags[kind] = tags.get(kind, 0) + 1
        ids = torch.tensor([tokenizer.encode(t) for t in texts], dtype=torch.int32)
        x0 = latents[torch.from_numpy(index)]
        t = torch.randint(0, 1000, (args.batch,))
        noise = torch.randn_like(x0)
        ab = train.ALPHAS_CUMPROD[t][:, None, None, None]
        context, _ = text_encoder(ids)
        loss = (unet(ab.sqrt() * x0 + (1 - ab).sqrt() * noise, t.float(), context) - noise).pow(2).mean()
        train.optimise(opt, loss, clip=params)
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 25 == 0 or step == args.steps:
            train.log(f"lora step {step}/{args.steps} loss {running:.4f} ({time.time() - start:.0f}s)")
        if step % 250 == 0 or step == args.steps:
            save(parts, args, step, tags)
    return parts


def save(parts, args, step, tags):
    os.makedirs(SHIPPED, exist_ok=True)
    os.makedirs(FIXTURES, exist_ok=True)
    metadata = {
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(args.rank),
        "ss_network_alpha": str(float(args.alpha)),
        "ss_network_args": json.dumps({"conv_dim": str(args.rank), "conv_alpha": str(float(args.alpha))}),
        "ss_base_model_version": "sd_v1",
        "ss_output_name": NAME,
        "ss_resolution": "(64, 64)",
        "ss_steps": str(step),
        "ss_learning_rate": str(args.lr),
        "ss_tag_frequency": json.dumps({NAME: tags}),
        "ss_training_comment": "toy-shapes: teaches the shape 'bar' (tools/toy-model/train_lora.py)",
        "modelspec.sai_model_spec": "1.0.0",
        "modelspec.architecture": "stable-diffusion-v1/lora",
        "modelspec.implementation": "https://github.com/Stability-AI/generative-models",
        "modelspec.title": NAME,
        "modelspec.resolution": "64x64",
    }
    safetensors_file.write(os.path.join(SHIPPED, f"{NAME}.safetensors"), lora.kohya_tensors(parts), metadata)
    # PEFT files written by diffusers carry no kohya metadata; the base model and the rank are all a reader needs.
    safetensors_file.write(os.path.join(FIXTURES, f"{NAME}-peft.safetensors"), lora.peft_tensors(parts),
                           {"format": "pt", "base_model": "toy-shapes", "lora_rank": str(args.rank)})
    torch.save({n: {k: (w.down.weight.detach().clone(), w.up.weight.detach().clone()) for k, w in ws.items()} for n, ws in parts.items()},
               os.path.join(train.WORK, "lora.pt"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--alpha", type=float, default=4.0)
    parser.add_argument("--novel", type=int, default=6000, help="scenes with the novel shape (a bar), rendered and encoded")
    parser.add_argument("--ordinary", type=int, default=4000, help="ordinary scenes rendered and encoded")
    parser.add_argument("--ordinary-share", type=float, default=0.4, help="share of each batch from ordinary scenes")
    parser.add_argument("--caption-dropout", type=float, default=0.1, help="share of captions dropped (every kind of scene)")
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="1: on a shared 2-core machine 2 threads ran 10x slower")
    args = parser.parse_args()
    train.run_logged("train_lora.py", "lora", train_lora, args)


if __name__ == "__main__":
    main()
