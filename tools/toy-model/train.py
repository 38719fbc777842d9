"""Trains the toy-shapes model: a VAE, then a text encoder + UNet on its latents, as Stable Diffusion 1.x.

    python3 tools/toy-model/train.py all        # tokenizer, data, vae, latents, diffusion (then run export.py)

Each stage writes its result to tools/toy-model/work/ (not committed) and the next stage reads it, so a stage
can be rerun alone: `train.py diffusion --steps 4000 --resume`. Seeded: the same command on the same
machine gives the same weights (PyTorch CPU kernels are deterministic for these ops).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import world  # noqa: E402
from nets import TextEncoder, UNet, VaeDecoder, VaeEncoder  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(HERE, "work")
MAX_LENGTH = 77

# The architecture, shared with export.py.
TEXT = dict(width=128, layers=2, heads=4)
UNET = dict(channels=(64, 128), context_dim=TEXT["width"], heads=4, time_features=64, time_dim=256)

# SD 1.x's noise schedule: scaled_linear betas 0.00085..0.012 over 1000 steps.
BETAS = torch.linspace(0.00085**0.5, 0.012**0.5, 1000, dtype=torch.float64) ** 2
ALPHAS_CUMPROD = torch.cumprod(1.0 - BETAS, dim=0).float()


def log(message):
    line = f"[{time.strftime('%H:%M:%S')}] {message}"
    print(line, flush=True)
    with open(os.path.join(WORK, "train.log"), "a") as f:
        f.write(line + "\n")


def optimise(opt, loss, clip=None):
    """One optimiser step on `loss`; with `clip` (the parameters), their gradient norm is held to 1 first."""
    opt.zero_grad()
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(clip, 1.0)
    opt.step()


def update_ema(pairs, ema_decay, step):
    """Moves each (EMA, live) pair's EMA toward the live weights; the decay warms up over the first steps."""
    decay = min(ema_decay, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in pairs:
            e.mul_(decay).add_(p.detach(), alpha=1 - decay)


def run_logged(script, label, work, args):
    """A one-stage trainer's main: threads as asked, the command and its duration in the training log."""
    torch.set_num_threads(args.threads)
    log(f"{script} {' '.join(sys.argv[1:])}")
    began = time.time()
    work(args)
    log(f"{label} took {time.time() - began:.0f}s")


# ---------------------------------------------------------------- tokenizer


def write_tokenizer():
    """The tokenizer is written by the project's own BPE trainer (Node), from the world's vocabulary."""
    out = os.path.join(WORK, "tokenizer")
    subprocess.run(["node", os.path.join(HERE, "write-tokenizer.mjs"), out, *world.vocabulary()], check=True, cwd=REPO)
    log(f"tokenizer: {len(world.vocabulary())} words -> {out}")


class Tokenizer:
    """CLIP tokenization for captions made only of known words: each word and punctuation mark is one token."""

    def __init__(self):
        vocab = json.load(open(os.path.join(WORK, "tokenizer", "vocab.json")))
        self.vocab = vocab
        self.start = vocab["<|startoftext|>"]
        self.end = vocab["<|endoftext|>"]
        self.size = len(vocab)

    def encode(self, text):
        pieces = re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", text.lower())
        ids = [self.vocab[p + "</w>"] for p in pieces]  # KeyError = a word outside the vocabulary
        ids = [self.start] + ids[: MAX_LENGTH - 2] + [self.end]
        return ids + [self.end] * (MAX_LENGTH - len(ids))  # padded with the end token, as SD 1.x


# ---------------------------------------------------------------- data


def make_data(count, seed):
    rng = np.random.default_rng(seed)
    scenes = [world.random_scene(rng) for _ in range(count)]
    images = np.stack([np.round(world.render(s) * 255).astype(np.uint8) for s in scenes])
    torch.save({"scenes": scenes, "images": torch.from_numpy(images)}, os.path.join(WORK, "data.pt"))
    log(f"data: {count} scenes rendered (seed {seed})")


def load_data():
    return torch.load(os.path.join(WORK, "data.pt"))


def to_model_range(images_uint8):
    """[N, 64, 64, 3] uint8 -> [N, 3, 64, 64] float in [-1, 1], as diffusers' VAE expects."""
    return images_uint8.permute(0, 3, 1, 2).float() / 127.5 - 1.0


# ---------------------------------------------------------------- VAE


def train_vae(steps, batch, seed, resume, l1_weight, edge_weight=0.0, latent_channels=4, checkpoint=None, lr_floor=0.1):
    """edge_weight: extra L1 weight near edges (see edge_weights); latent_channels 16 and another checkpoint for the
    toy-flow model's VAE (tools/toy-flow); lr_floor: the cosine schedule's end, as a fraction of the peak."""
    torch.manual_seed(seed)
    images = load_data()["images"]
    encoder, decoder = VaeEncoder(latent_channels=latent_channels), VaeDecoder(latent_channels=latent_channels)
    checkpoint = checkpoint or os.path.join(WORK, "vae.pt")
    if resume and os.path.exists(checkpoint):
        # A further round from the previous weights (with a fresh learning-rate schedule).
        state = torch.load(checkpoint)
        encoder.load_state_dict(state["encoder"])
        decoder.load_state_dict(state["decoder"])
        log("vae: continuing from the previous weights")
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.0)
    gen = torch.Generator().manual_seed(seed)
    start = time.time()
    for step in range(1, steps + 1):
        lr = 1e-3 * min(1.0, step / 100) * (lr_floor + (1 - lr_floor) * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for group in opt.param_groups:
            group["lr"] = lr
        x = to_model_range(images[torch.randint(len(images), (batch,), generator=gen)])
        mean, logvar = encoder(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen)
        recon = decoder(z)
        # L1 keeps the shapes' edges sharp; with edge_weight, more so near them.
        rec = F.mse_loss(recon, x) + l1_weight * (edge_weights(x, edge_weight) * (recon - x).abs()).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=(1, 2, 3)).mean()
        loss = rec + 1e-6 * kl
        optimise(opt, loss)
        if step % 50 == 0 or step == steps:
            log(f"vae step {step}/{steps} rec {rec.item():.5f} kl {kl.item():.1f} ({time.time() - start:.0f}s)")
        if step % 500 == 0 or step == steps:
            torch.save({"encoder": encoder.state_dict(), "decoder": decoder.state_dict()}, checkpoint + ".tmp")
            os.replace(checkpoint + ".tmp", checkpoint)


def encode_latents():
    """Latent means of every training image, and the scaling factor that gives them unit spread."""
    state = torch.load(os.path.join(WORK, "vae.pt"))
    encoder, decoder = VaeEncoder(), VaeDecoder()
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    images = load_data()["images"]
    means, errors = [], []
    with torch.no_grad():
        for i in range(0, len(images), 500):
            x = to_model_range(images[i : i + 500])
            mean, _ = encoder(x)
            means.append(mean)
            errors.append((decoder(mean) - x).abs().mean(dim=(1, 2, 3)))
    latents = torch.cat(means)
    scaling_factor = float(1.0 / latents.std())
    error = float(torch.cat(errors).mean() * 127.5)
    torch.save({"latents": latents, "scaling_factor": scaling_factor}, os.path.join(WORK, "latents.pt"))
    log(f"latents: {tuple(latents.shape)}, std {latents.std():.4f} -> scaling_factor {scaling_factor:.5f}; "
        f"VAE round trip mean abs error {error:.2f}/255")


def edge_weights(x, strength):
    """1 on flat areas, 1 + strength within a pixel of an edge: the shapes' outlines are a small part of each
    picture but all of what tells a small square from a small circle."""
    gx = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().sum(dim=1, keepdim=True)
    gy = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().sum(dim=1, keepdim=True)
    edges = (F.pad(gx, (0, 1, 0, 0)) + F.pad(gy, (0, 0, 0, 1)) > 0.05).float()
    return 1.0 + strength * F.max_pool2d(edges, 3, stride=1, padding=1)


def finetune_decoder(steps, batch, seed, edge_weight):
    """Sharpens the decoder with the encoder frozen, as Stable Diffusion's ft-MSE VAE did: the latents (and so
    the diffusion model trained on them) stay valid. Trains on the stored latent means, slightly noised, since
    that is what a denoised sample looks like to the decoder."""
    torch.manual_seed(seed)
    vae_path = os.path.join(WORK, "vae.pt")
    state = torch.load(vae_path)
    decoder = VaeDecoder()
    decoder.load_state_dict(state["decoder"])
    latents = torch.load(os.path.join(WORK, "latents.pt"))["latents"]
    images = load_data()["images"]
    opt = torch.optim.AdamW(decoder.parameters(), lr=5e-4, weight_decay=0.0)
    gen = torch.Generator().manual_seed(seed)
    noise = 0.05 * float(latents.std())
    start = time.time()
    for step in range(1, steps + 1):
        for group in opt.param_groups:
            group["lr"] = 5e-4 * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * step / steps))
        index = torch.randint(len(images), (batch,), generator=gen)
        x = to_model_range(images[index])
        z = latents[index] + noise * torch.randn(latents[index].shape, generator=gen)
        recon = decoder(z)
        weights = edge_weights(x, edge_weight)
        rec = (weights * (recon - x).abs()).mean() + F.mse_loss(recon, x)
        optimise(opt, rec)
        if step % 50 == 0 or step == steps:
            log(f"decoder step {step}/{steps} weighted rec {rec.item():.5f} ({time.time() - start:.0f}s)")
    with torch.no_grad():
        x = to_model_range(images[-2000:])
        error = float((decoder(latents[-2000:]) - x).abs().mean() * 127.5)
    state["decoder"] = decoder.state_dict()
    torch.save(state, vae_path + ".tmp")
    os.replace(vae_path + ".tmp", vae_path)
    log(f"decoder: round trip mean abs error {error:.2f}/255 (last 2000 training images)")


# ---------------------------------------------------------------- diffusion


def train_diffusion(steps, batch, seed, resume, caption_dropout=0.1, snr_gamma=5.0, lr_max=4e-4, ema_decay=0.999,
                    refine=False):
    """refine: start from the EMA weights of work/diffusion.pt with a fresh optimizer and learning-rate schedule
    (steps then counts the new steps only), as a further round after the main training."""
    torch.manual_seed(seed)
    tokenizer = Tokenizer()
    data = load_data()
    scenes = data["scenes"]
    packed = torch.load(os.path.join(WORK, "latents.pt"))
    latents = packed["latents"] * packed["scaling_factor"]
    text_encoder = TextEncoder(tokenizer.size, **TEXT)
    unet = UNet(**UNET)
    ema_text, ema_unet = TextEncoder(tokenizer.size, **TEXT), UNet(**UNET)
    params = list(text_encoder.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=lr_max, weight_decay=0.01)
    first = 1
    checkpoint = os.path.join(WORK, "diffusion.pt")
    done_before = 0
    if refine:
        state = torch.load(checkpoint)
        for net in (text_encoder, ema_text):
            net.load_state_dict(state["ema_text"])
        for net in (unet, ema_unet):
            net.load_state_dict(state["ema_unet"])
        done_before = state["step"]
        log(f"diffusion: refining the EMA weights of step {done_before} for {steps} steps")
    elif resume and os.path.exists(checkpoint):
        state = torch.load(checkpoint)
        text_encoder.load_state_dict(state["text_encoder"])
        unet.load_state_dict(state["unet"])
        ema_text.load_state_dict(state["ema_text"])
        ema_unet.load_state_dict(state["ema_unet"])
        opt.load_state_dict(state["opt"])
        first = state["step"] + 1
        torch.set_rng_state(state["torch_rng"])
        log(f"diffusion: resumed at step {first}")
    else:
        ema_text.load_state_dict(text_encoder.state_dict())
        ema_unet.load_state_dict(unet.state_dict())
    if refine:
        torch.manual_seed(seed + done_before)  # not the draws the main training began with
    rng = np.random.default_rng(seed + done_before + first)
    empty = tokenizer.encode("")
    ema_pairs = list(zip(list(ema_text.parameters()) + list(ema_unet.parameters()), params))
    start = time.time()
    running = None
    for step in range(first, steps + 1):
        lr = lr_max * min(1.0, step / 200) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for group in opt.param_groups:
            group["lr"] = lr
        index = rng.integers(len(scenes), size=batch)
        ids = torch.tensor(
            [empty if rng.random() < caption_dropout else tokenizer.encode(world.caption(scenes[i], rng)) for i in index],
            dtype=torch.int32,
        )
        x0 = latents[torch.from_numpy(index)]
        t = torch.randint(0, 1000, (batch,))
        noise = torch.randn_like(x0)
        ab = ALPHAS_CUMPROD[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * noise
        context, _ = text_encoder(ids)
        pred = unet(xt, t.float(), context)
        # Min-SNR-gamma weighting (Hang et al. 2023) for epsilon prediction: converges several times faster.
        # Without it (gamma 0) every timestep counts the same, as in SD's own training.
        snr = ab.flatten() / (1 - ab.flatten())
        weight = torch.clamp(snr, max=snr_gamma) / snr if snr_gamma > 0 else torch.ones_like(snr)
        loss = (weight * (pred - noise).pow(2).mean(dim=(1, 2, 3))).mean()
        optimise(opt, loss, clip=params)
        update_ema(ema_pairs, ema_decay, step)
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 50 == 0 or step == steps:
            log(f"diffusion step {done_before + step}/{done_before + steps} loss {running:.4f} lr {lr:.2e} ({time.time() - start:.0f}s)")
        if step % 250 == 0 or step == steps:
            state = {
                "text_encoder": text_encoder.state_dict(), "unet": unet.state_dict(),
                "ema_text": ema_text.state_dict(), "ema_unet": ema_unet.state_dict(),
                "opt": opt.state_dict(), "step": done_before + step, "torch_rng": torch.get_rng_state(),
                "vocab_size": tokenizer.size, "scaling_factor": packed["scaling_factor"],
            }
            torch.save(state, checkpoint + ".tmp")
            os.replace(checkpoint + ".tmp", checkpoint)


def load_trained():
    """The trained networks in eval mode (the EMA weights of the text encoder and UNet), for export and sampling."""
    state = torch.load(os.path.join(WORK, "diffusion.pt"))
    vae = torch.load(os.path.join(WORK, "vae.pt"))
    text_encoder = TextEncoder(state["vocab_size"], **TEXT).eval()
    text_encoder.load_state_dict(state["ema_text"])
    unet = UNet(**UNET).eval()
    unet.load_state_dict(state["ema_unet"])
    decoder = VaeDecoder().eval()
    decoder.load_state_dict(vae["decoder"])
    encoder = VaeEncoder().eval()
    encoder.load_state_dict(vae["encoder"])
    return dict(text_encoder=text_encoder, unet=unet, decoder=decoder, encoder=encoder,
                scaling_factor=state["scaling_factor"], step=state["step"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["tokenizer", "data", "vae", "latents", "decoder", "diffusion", "all"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenes", type=int, default=40000)
    parser.add_argument("--vae-steps", type=int, default=1000)
    parser.add_argument("--vae-batch", type=int, default=16)
    parser.add_argument("--l1-weight", type=float, default=1.0, help="weight of the VAE's L1 loss beside MSE")
    parser.add_argument("--decoder-steps", type=int, default=3000, help="decoder fine-tuning steps")
    parser.add_argument("--edge-weight", type=float, default=4.0, help="extra L1 weight near edges (decoder)")
    parser.add_argument("--steps", type=int, default=3000, help="diffusion training steps")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--refine", action="store_true", help="diffusion: a further round from the EMA weights")
    parser.add_argument("--snr-gamma", type=float, default=5.0, help="diffusion: min-SNR gamma (0: plain loss)")
    parser.add_argument("--lr", type=float, default=4e-4, help="diffusion: peak learning rate")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(WORK, exist_ok=True)
    stages = ["tokenizer", "data", "vae", "latents", "decoder", "diffusion"] if args.stage == "all" else [args.stage]
    log(f"train.py {' '.join(sys.argv[1:])} (torch {torch.__version__}, {args.threads} threads)")
    for stage in stages:
        began = time.time()
        if stage == "tokenizer":
            write_tokenizer()
        elif stage == "data":
            make_data(args.scenes, args.seed)
        elif stage == "vae":
            train_vae(args.vae_steps, args.vae_batch, args.seed, args.resume, args.l1_weight)
        elif stage == "latents":
            encode_latents()
        elif stage == "decoder":
            finetune_decoder(args.decoder_steps, args.vae_batch, args.seed, args.edge_weight)
        elif stage == "diffusion":
            train_diffusion(args.steps, args.batch, args.seed, args.resume, snr_gamma=args.snr_gamma,
                            lr_max=args.lr, refine=args.refine)
        log(f"stage {stage} took {time.time() - began:.0f}s")


if __name__ == "__main__":
    main()
