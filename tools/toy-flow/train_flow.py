"""Trains the toy-flow model: Stable Diffusion 3's layout on the toy world, learned by rectified flow.

    python3 tools/toy-flow/train_flow.py tokenizer      # T5's tokenizer for the world's words (tokenizer_3)
    python3 tools/toy-flow/train_flow.py vae            # a 16-channel VAE, as SD3's
    python3 tools/toy-flow/train_flow.py latents        # every training image encoded; scaling and shift factors
    python3 tools/toy-flow/train_flow.py flow           # the transformer and T5, the CLIP encoders frozen

Needs tools/toy-model/work/ with the toy world's data and the committed toy-shapes text encoder recovered
(`train.py tokenizer`, `train.py data`, `recover.py` there; see reproduce.sh). The two CLIP encoders are
toy-shapes' own text encoder, frozen (SD3 reads their penultimate layer and pooled output); T5 and the
transformer are trained together. Each stage writes to tools/toy-flow/work/ (not committed) and can be rerun
alone; `flow --resume` continues from the last checkpoint.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "toy-model"))
sys.path.insert(0, HERE)
import train as toy  # noqa: E402
import world  # noqa: E402
from flow_nets import MMDiT, T5Encoder  # noqa: E402
from nets import TextEncoder, VaeDecoder, VaeEncoder  # noqa: E402

WORK = os.environ.get("TOY_FLOW_WORK", os.path.join(HERE, "work"))
LATENT_CHANNELS = 16
T5_LENGTH = 32
T5 = dict(width=256, layers=1, heads=4, length=T5_LENGTH)
CLIP_WIDTH = toy.TEXT["width"]
# SD3: the CLIP-L and bigG states side by side (here the same encoder twice), padded to T5's width.
JOINT_ATTENTION_DIM = T5["width"]
POOLED_DIM = 2 * CLIP_WIDTH
DIT = dict(channels=LATENT_CHANNELS, width=128, depth=4, heads=4, joint_attention_dim=JOINT_ATTENTION_DIM,
           pooled_dim=POOLED_DIM, pos_max=16)
VAE_CHANNELS = (16, 32, 64, 96)


def log(message):
    line = f"[{time.strftime('%H:%M:%S')}] {message}"
    print(line, flush=True)
    with open(os.path.join(WORK, "train.log"), "a") as f:
        f.write(line + "\n")


# ---------------------------------------------------------------- T5 tokenizer


def write_t5_tokenizer():
    """T5's tokenizer files, written by the project's own writer (Node) from the world's vocabulary."""
    out = os.path.join(WORK, "tokenizer_3")
    subprocess.run(["node", os.path.join(HERE, "write-t5-tokenizer.mjs"), out, str(T5_LENGTH), *world.vocabulary()],
                   check=True, cwd=toy.REPO)
    log(f"t5 tokenizer: {len(world.vocabulary())} words -> {out}")


class T5Tokenizer:
    """T5 tokenization of captions made of known words: "▁word" per word, punctuation its own piece, </s>, <pad>."""

    def __init__(self):
        import json

        pieces = json.load(open(os.path.join(WORK, "tokenizer_3", "tokenizer.json")))["model"]["vocab"]
        self.ids = {piece: i for i, (piece, _) in enumerate(pieces)}
        self.size = len(pieces)
        self.eos, self.pad = self.ids["</s>"], self.ids["<pad>"]

    def encode(self, text):
        ids = []
        for word in re.findall(r"\S+", text):
            for i, part in enumerate(re.findall(r"[a-z]+|[^a-z]", word)):
                ids.append(self.ids[("\u2581" if i == 0 else "") + part])  # KeyError = outside the vocabulary
        ids = ids[: T5_LENGTH - 1] + [self.eos]
        return ids + [self.pad] * (T5_LENGTH - len(ids))


# ---------------------------------------------------------------- CLIP (frozen toy-shapes text encoder)


def load_clip():
    state = torch.load(os.path.join(toy.WORK, "diffusion.pt"))
    clip = TextEncoder(state["vocab_size"], **toy.TEXT).eval()
    clip.load_state_dict(state["ema_text"])
    for p in clip.parameters():
        p.requires_grad_(False)
    return clip


def clip_states(clip, ids):
    """(hidden states of every layer, the embeddings first, as output_hidden_states gives them; pooled output)."""
    x = clip.token_embedding(ids.long()) + clip.position_embedding
    states = [x]
    for layer in clip.layers:
        x = layer(x, clip.causal_mask)
        states.append(x)
    final = clip.final_layer_norm(x)
    pooled = final[torch.arange(final.shape[0]), ids.long().argmax(dim=-1)]
    return states, final, pooled


def sd3_conditioning(clip, t5, clip_ids, t5_ids):
    """encoder_hidden_states [B, 77 + 32, 256] and pooled_projections [B, 256], as diffusers' SD3 pipeline builds them."""
    with torch.no_grad():
        states, _, pooled = clip_states(clip, clip_ids)
    penultimate = states[-2]
    side_by_side = torch.cat([penultimate, penultimate], dim=-1)  # CLIP-L and "bigG": the same encoder here
    padded = F.pad(side_by_side, (0, JOINT_ATTENTION_DIM - side_by_side.shape[-1]))
    return torch.cat([padded, t5(t5_ids)], dim=1), torch.cat([pooled, pooled], dim=-1)


# ---------------------------------------------------------------- VAE


def train_vae(steps, batch, seed):
    """toy-model's VAE training with 16 latent channels, edge-weighted L1 (weight 4 within a pixel of an edge)."""
    toy.log = log  # its progress lines in this model's training log
    toy.train_vae(steps, batch, seed, False, l1_weight=1.0, edge_weight=4.0, latent_channels=LATENT_CHANNELS,
                  checkpoint=os.path.join(WORK, "vae.pt"), lr_floor=0.05)


def load_vae():
    state = torch.load(os.path.join(WORK, "vae.pt"))
    encoder = VaeEncoder(VAE_CHANNELS, LATENT_CHANNELS).eval()
    decoder = VaeDecoder(tuple(reversed(VAE_CHANNELS)), LATENT_CHANNELS).eval()
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    return encoder, decoder


def encode_latents():
    """Latent means of every training image; SD3's shift_factor (their mean) and scaling_factor (1 / their std)."""
    encoder, decoder = load_vae()
    images = toy.load_data()["images"]
    means, errors = [], []
    with torch.no_grad():
        for i in range(0, len(images), 500):
            x = toy.to_model_range(images[i : i + 500])
            mean, _ = encoder(x)
            means.append(mean)
            errors.append((decoder(mean) - x).abs().mean(dim=(1, 2, 3)))
    latents = torch.cat(means)
    shift = float(latents.mean())
    scale = float(1.0 / (latents - shift).std())
    error = float(torch.cat(errors).mean() * 127.5)
    torch.save({"latents": latents, "scaling_factor": scale, "shift_factor": shift}, os.path.join(WORK, "latents.pt"))
    log(f"latents {tuple(latents.shape)}: shift_factor {shift:.5f}, scaling_factor {scale:.5f}; round trip {error:.2f}/255")


# ---------------------------------------------------------------- flow matching


def train_flow(steps, batch, seed, resume, caption_dropout=0.1, lr_max=3e-4, ema_decay=0.999):
    torch.manual_seed(seed)
    clip_tokenizer, t5_tokenizer = toy.Tokenizer(), T5Tokenizer()
    scenes = toy.load_data()["scenes"]
    packed = torch.load(os.path.join(WORK, "latents.pt"))
    latents = (packed["latents"] - packed["shift_factor"]) * packed["scaling_factor"]
    clip = load_clip()
    t5, dit = T5Encoder(t5_tokenizer.size, **T5), MMDiT(**DIT)
    ema_t5, ema_dit = T5Encoder(t5_tokenizer.size, **T5), MMDiT(**DIT)
    params = list(t5.parameters()) + list(dit.parameters())
    opt = torch.optim.AdamW(params, lr=lr_max, weight_decay=0.01)
    checkpoint = os.path.join(WORK, "flow.pt")
    first = 1
    if resume and os.path.exists(checkpoint):
        state = torch.load(checkpoint)
        for net, key in ((t5, "t5"), (dit, "dit"), (ema_t5, "ema_t5"), (ema_dit, "ema_dit")):
            net.load_state_dict(state[key])
        opt.load_state_dict(state["opt"])
        first = state["step"] + 1
        torch.set_rng_state(state["torch_rng"])
        log(f"flow: resumed at step {first}")
    else:
        ema_t5.load_state_dict(t5.state_dict())
        ema_dit.load_state_dict(dit.state_dict())
    log(f"flow: transformer {sum(p.numel() for p in dit.parameters()) / 1e6:.2f} M parameters, T5 {sum(p.numel() for p in t5.parameters()) / 1e6:.2f} M")
    rng = np.random.default_rng(seed + first)
    ema_pairs = list(zip(list(ema_t5.parameters()) + list(ema_dit.parameters()), params))
    start = time.time()
    running = None
    for step in range(first, steps + 1):
        lr = lr_max * min(1.0, step / 200) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for group in opt.param_groups:
            group["lr"] = lr
        index = rng.integers(len(scenes), size=batch)
        captions = ["" if rng.random() < caption_dropout else world.caption(scenes[i], rng) for i in index]
        clip_ids = torch.tensor([clip_tokenizer.encode(c) for c in captions], dtype=torch.int32)
        t5_ids = torch.tensor([t5_tokenizer.encode(c) for c in captions], dtype=torch.int64)
        x0 = latents[torch.from_numpy(index)]
        # SD3's logit-normal timestep sampling; x_t runs from the data (sigma 0) to the noise (sigma 1).
        sigma = torch.sigmoid(torch.randn(batch))
        noise = torch.randn_like(x0)
        s = sigma[:, None, None, None]
        xt = (1 - s) * x0 + s * noise
        context, pooled = sd3_conditioning(clip, t5, clip_ids, t5_ids)
        velocity = dit(xt, context, pooled, sigma * 1000)
        loss = F.mse_loss(velocity, noise - x0)
        toy.optimise(opt, loss, clip=params)
        toy.update_ema(ema_pairs, ema_decay, step)
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 50 == 0 or step == steps:
            log(f"flow step {step}/{steps} loss {running:.4f} lr {lr:.2e} ({time.time() - start:.0f}s)")
        if step % 250 == 0 or step == steps:
            state = {"t5": t5.state_dict(), "dit": dit.state_dict(), "ema_t5": ema_t5.state_dict(), "ema_dit": ema_dit.state_dict(),
                     "opt": opt.state_dict(), "step": step, "torch_rng": torch.get_rng_state(), "t5_vocab": t5_tokenizer.size}
            torch.save(state, checkpoint + ".tmp")
            os.replace(checkpoint + ".tmp", checkpoint)


def load_trained():
    """The EMA weights of T5 and the transformer, the frozen CLIP encoder and the VAE, in eval mode."""
    state = torch.load(os.path.join(WORK, "flow.pt"))
    t5 = T5Encoder(state["t5_vocab"], **T5).eval()
    t5.load_state_dict(state["ema_t5"])
    dit = MMDiT(**DIT).eval()
    dit.load_state_dict(state["ema_dit"])
    encoder, decoder = load_vae()
    packed = torch.load(os.path.join(WORK, "latents.pt"))
    return dict(clip=load_clip(), t5=t5, dit=dit, encoder=encoder, decoder=decoder, step=state["step"],
                scaling_factor=packed["scaling_factor"], shift_factor=packed["shift_factor"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["tokenizer", "vae", "latents", "flow"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    torch.set_num_threads(args.threads)
    log(f"train_flow.py {' '.join(sys.argv[1:])} (torch {torch.__version__}, {args.threads} threads)")
    began = time.time()
    if args.stage == "tokenizer":
        write_t5_tokenizer()
    elif args.stage == "vae":
        train_vae(args.steps, args.batch, args.seed)
    elif args.stage == "latents":
        encode_latents()
    else:
        train_flow(args.steps, args.batch, args.seed, args.resume, lr_max=args.lr)
    log(f"stage {args.stage} took {time.time() - began:.0f}s")


if __name__ == "__main__":
    main()
