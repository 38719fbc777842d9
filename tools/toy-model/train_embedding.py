"""Textual inversion on the committed toy-shapes model: learns the vectors of a new token, `toy-sunset`, with
every weight frozen, so that the prompt "toy-sunset" alone draws the scene world.json names for it (a large
yellow circle at the top on an orange background), and writes them in AUTOMATIC1111's format (`emb_params`,
[n, 128]) and diffusers' (the token as the key).

    python3 tools/toy-model/train_embedding.py [--steps 400]     # after recover.py

As AUTOMATIC1111 uses an embedding, the prompt is tokenized and the tokens that spell the embedding's name are
replaced by its n vectors (so "a picture of toy-sunset" is start, a, picture, of, v1..vn, end, padding); the
text encoder then runs on those input vectors.
"""
import argparse
import math
import os
import re
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import captions  # noqa: E402
import safetensors_file  # noqa: E402
import train  # noqa: E402
import train_lora  # noqa: E402
import world  # noqa: E402

TOKEN = "toy-sunset"
# The A1111 file ships with the server (models/embeddings/); the diffusers copy is for the tests.
SHIPPED = os.path.join(train.REPO, "models", "embeddings")
FIXTURES = os.path.join(train.REPO, "test", "fixtures", "embeddings")
CAPTIONS = ["{t}", "a picture of {t}", "a {t}", "{t}, a picture", "picture of {t}"]
# Words the captions use besides the token, tokenized once by the project's tokenizer (captions.py).
WORDS = ["picture", "of"]


class EmbeddingPrompts:
    """Token rows where -1 - k marks the place of the embedding's k-th vector."""

    def __init__(self, vectors):
        self.tokenizer = captions.CaptionTokenizer(WORDS)
        self.vectors = vectors

    def row(self, text):
        ids = []
        for i, part in enumerate(re.split(re.escape(TOKEN), text)):
            if i > 0:
                ids += [-1 - k for k in range(self.vectors)]
            ids += self.tokenizer.ids(part)
        ids = [self.tokenizer.start] + ids + [self.tokenizer.end]
        return ids + [self.tokenizer.end] * (train.MAX_LENGTH - len(ids))


def encode(text_encoder, rows, vectors):
    """last_hidden_state for token rows that may hold embedding places (see EmbeddingPrompts)."""
    ids = torch.tensor(rows, dtype=torch.long)
    x = text_encoder.token_embedding(ids.clamp(min=0))
    if (ids < 0).any():
        slots = (ids < 0).nonzero(as_tuple=True)
        x = x.clone()
        x[slots] = vectors[-1 - ids[slots]]
    x = x + text_encoder.position_embedding
    for layer in text_encoder.layers:
        x = layer(x, text_encoder.causal_mask)
    return text_encoder.final_layer_norm(x)


def train_embedding(args):
    torch.manual_seed(args.seed)
    nets = train_lora.load_networks()
    text_encoder, unet = nets["text_encoder"], nets["unet"]
    rng = np.random.default_rng(args.seed)
    want = world.WORLD["embeddings"][TOKEN]
    scenes = [world.scene_of(rng, want["background"], want["shape"], want["colour"], want["size"], want["position"])
              for _ in range(args.scenes)]
    with torch.no_grad():
        images = np.stack([np.round(world.render(s) * 255).astype(np.uint8) for s in scenes])
        latents = nets["encoder"](train.to_model_range(torch.from_numpy(images)))[0] * nets["scaling_factor"]
    prompts = EmbeddingPrompts(args.vectors)
    rows = [prompts.row(c.format(t=TOKEN)) for c in CAPTIONS]
    if args.resume:
        # A further round from the vectors written last time (with a fresh learning-rate schedule).
        saved = safetensors_file.read(os.path.join(SHIPPED, f"{TOKEN}.safetensors"))[0]["emb_params"]
        vectors = torch.from_numpy(saved.copy()).requires_grad_(True)
        train.log(f"embedding: continuing from the saved vectors (norm {vectors.norm(dim=1).mean():.3f})")
    else:
        # Start from the mean of the vocabulary's embeddings (no word of the scene is given away).
        vectors = text_encoder.token_embedding.weight.detach().mean(dim=0).repeat(args.vectors, 1)
        vectors = (vectors + 0.01 * torch.randn(vectors.shape)).requires_grad_(True)
    opt = torch.optim.AdamW([vectors], lr=args.lr, weight_decay=0.0)
    running, start = None, time.time()
    for step in range(1, args.steps + 1):
        for group in opt.param_groups:
            decay = 1.0 if args.flat_lr else 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps))
            group["lr"] = args.lr * min(1.0, step / 50) * decay
        index = torch.from_numpy(rng.integers(len(scenes), size=args.batch))
        batch_rows = [rows[i] for i in rng.integers(len(rows), size=args.batch)]
        x0 = latents[index]
        t = torch.randint(0, 1000, (args.batch,))
        noise = torch.randn_like(x0)
        ab = train.ALPHAS_CUMPROD[t][:, None, None, None]
        context = encode(text_encoder, batch_rows, vectors)
        loss = (unet(ab.sqrt() * x0 + (1 - ab).sqrt() * noise, t.float(), context) - noise).pow(2).mean()
        train.optimise(opt, loss)
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        if step % 25 == 0 or step == args.steps:
            train.log(f"embedding step {step}/{args.steps} loss {running:.4f} norm {vectors.norm(dim=1).mean():.3f} ({time.time() - start:.0f}s)")
    save(vectors.detach().numpy().astype(np.float32), args)


def save(vectors, args):
    os.makedirs(SHIPPED, exist_ok=True)
    os.makedirs(FIXTURES, exist_ok=True)
    metadata = {"name": TOKEN, "base_model": "toy-shapes", "sd_checkpoint_name": "toy-shapes", "step": str(args.steps),
                "comment": "textual inversion on toy-shapes (tools/toy-model/train_embedding.py)"}
    safetensors_file.write(os.path.join(SHIPPED, f"{TOKEN}.safetensors"), {"emb_params": vectors}, metadata)
    safetensors_file.write(os.path.join(FIXTURES, f"{TOKEN}-diffusers.safetensors"), {TOKEN: vectors})
    train.log(f"embedding: {vectors.shape[0]} vectors of {vectors.shape[1]} -> {SHIPPED}, {FIXTURES}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--vectors", type=int, default=2)
    parser.add_argument("--scenes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--resume", action="store_true", help="start from the vectors in models/embeddings")
    parser.add_argument("--flat-lr", action="store_true", help="no cosine decay (the first round of the committed embedding)")
    parser.add_argument("--threads", type=int, default=1, help="1: on a shared 2-core machine 2 threads ran 10x slower")
    args = parser.parse_args()
    train.run_logged("train_embedding.py", "embedding", train_embedding, args)


if __name__ == "__main__":
    main()
