"""Scores the toy LoRA and embedding in PyTorch, by what the pictures show (read by the test suite's analyser,
test/support/shape-analyser.ts, through analyse-images.mjs): DDIM, 20 steps, guidance 5, the test suite's
24 scoring prompts x seeds 1 and 2, as sample.py draws them.

    python3 tools/toy-model/score_lora.py [--weights 0,1] [--embedding]    # after train_lora.py / train_embedding.py

For each LoRA weight (merged into the weights as Atelier merges it; 0 is the base model): how often a bar
is drawn for the prompts with every shape made a bar, and the usual scores of the ordinary prompts. With
--embedding: how often "toy-sunset" (and "a picture of toy-sunset") gives world.json's scene for it, with the
embedding and without (the base model reading the same words as plain BPE pieces).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import captions  # noqa: E402
import lora_parity  # noqa: E402
import safetensors_file  # noqa: E402
import train  # noqa: E402
import train_embedding  # noqa: E402
import train_lora  # noqa: E402
import world  # noqa: E402
from sample import ddim  # noqa: E402

ANALYSE = os.path.join(train.HERE, "analyse-images.mjs")
SEEDS = (1, 2)


def node(*args):
    return json.loads(subprocess.run(["node", ANALYSE, *args], capture_output=True, text=True, check=True, cwd=train.REPO).stdout)


def analyse(images):
    with tempfile.NamedTemporaryFile(suffix=".rgb") as f:
        f.write(np.ascontiguousarray(images, dtype=np.uint8).tobytes())
        f.flush()
        return node("analyse", f.name, str(len(images)))


@torch.no_grad()
def draw(nets, unet, context, uncond, seed):
    latents = ddim(unet, context, uncond.expand(context.shape[0], -1, -1), 20, 5.0, torch.Generator().manual_seed(seed))
    decoded = nets["decoder"](latents / nets["scaling_factor"]).clamp(-1, 1)
    return ((decoded + 1) * 127.5).round().permute(0, 2, 3, 1).to(torch.uint8).numpy()


def score(seen, expected):
    right = {k: 0 for k in ("colour", "position", "shape", "size", "all")}
    confusions = {}
    for s, e in zip(seen, expected):
        ok = {"colour": s["colour"] == e["colour"] and s["background"] == e["background"], "position": s["position"] == e["position"],
              "shape": s["shape"] == e["shape"], "size": s["size"] == e["size"]}
        ok["all"] = all(ok.values())
        for k, v in ok.items():
            right[k] += int(v)
        if not ok["shape"]:
            key = f"{e['size']} {e['shape']} -> {s['shape']}"
            confusions[key] = confusions.get(key, 0) + 1
    n = len(expected)
    return " ".join(f"{k} {100 * v / n:.0f}%" for k, v in right.items()) + f" of {n}  {json.dumps(confusions, sort_keys=True)}"


def score_lora(nets, weights, grid):
    tensors, _ = safetensors_file.read(os.path.join(train_lora.SHIPPED, f"{train_lora.NAME}.safetensors"))
    tokenizer = captions.CaptionTokenizer(world.NOVEL_SHAPES)
    sets = {"bar prompts": node("prompts", "24", world.NOVEL_SHAPES[0]), "ordinary prompts": node("prompts", "24")}
    shown = []
    for weight in weights:
        text_encoder, unet, _ = lora_parity.merged(nets, tensors, weight)
        with torch.no_grad():
            uncond, _ = text_encoder(torch.tensor([tokenizer.encode("")], dtype=torch.int32))
            for label, prompts in sets.items():
                context, _ = text_encoder(torch.tensor([tokenizer.encode(p["prompt"]) for p in prompts], dtype=torch.int32))
                images = np.concatenate([draw(nets, unet, context, uncond, seed) for seed in SEEDS])
                seen = analyse(images)
                print(f"LoRA weight {weight:g}, {label}: {score(seen, [p['expected'] for p in prompts] * len(SEEDS))}", flush=True)
                shown.append(images[:24])
    if grid:
        save_grid(np.concatenate(shown), grid)


def score_embedding(nets, grid):
    vectors = torch.from_numpy(safetensors_file.read(os.path.join(train_embedding.SHIPPED, f"{train_embedding.TOKEN}.safetensors"))[0]["emb_params"])
    prompts = train_embedding.EmbeddingPrompts(vectors.shape[0])
    words = captions.CaptionTokenizer(["toy", "sunset", "picture", "of"])
    expected = world.WORLD["embeddings"][train_embedding.TOKEN]
    shown = []
    with torch.no_grad():
        uncond, _ = nets["text_encoder"](torch.tensor([words.encode("")], dtype=torch.int32))
        for text in (train_embedding.TOKEN, f"a picture of {train_embedding.TOKEN}"):
            for label, rows in (("with the embedding", [prompts.row(text)]), ("without (plain BPE pieces)", [words.encode(text)])):
                context = train_embedding.encode(nets["text_encoder"], rows * 24, vectors)
                images = np.concatenate([draw(nets, nets["unet"], context, uncond, seed) for seed in SEEDS])
                print(f"embedding, {text!r} {label}: {score(analyse(images), [expected] * len(images))}", flush=True)
                shown.append(images[:12])
    if grid:
        save_grid(np.concatenate(shown), grid)


def save_grid(images, path, columns=12):
    from PIL import Image

    rows = [np.concatenate(list(images[i : i + columns]), axis=1) for i in range(0, len(images) - columns + 1, columns)]
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)
    print(f"grid -> {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default="0,1", help="LoRA weights to score (comma-separated); empty: none")
    parser.add_argument("--embedding", action="store_true")
    parser.add_argument("--grid", help="also save a PNG grid of the pictures (first seed)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    nets = train_lora.load_networks()
    if args.weights:
        score_lora(nets, [float(w) for w in args.weights.split(",")], args.grid)
    if args.embedding:
        score_embedding(nets, args.grid and args.grid.replace(".png", "-embedding.png"))


if __name__ == "__main__":
    main()
