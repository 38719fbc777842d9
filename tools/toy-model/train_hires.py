"""toy-shapes-hires: the committed toy-shapes model fine-tuned to draw at 64x64 and at 128x128, for the hires fix.

    /usr/bin/python3 tools/toy-model/train.py tokenizer && /usr/bin/python3 tools/toy-model/recover.py
    /usr/bin/python3 tools/toy-model/train_hires.py all          # data, vae, latents, unet -> work/hires/
    /usr/bin/python3 tools/toy-model/export.py --work tools/toy-model/work/hires --candidate candidate/toy-shapes-hires

The committed model only knows 64x64 pictures (8x8 latents): at 128x128 its decoder draws a frame and its UNet
draws several shapes. This script starts from the committed weights (work/vae.pt and work/diffusion.pt, as
recover.py rebuilds them) and leaves them alone; its stages write to work/hires/, with the tokenizer copied
there, so export.py can read that folder as it reads work/.

- data: scenes of the same world rendered at 64x64 and, the same scenes, at 128x128 (world.render(scene, 128)).
- vae: encoder and decoder on both sizes (edge-weighted L1 + MSE, as train.py's decoder stage). The 64x64
  latents are held to the committed encoder's (so the UNet's latent space does not move) and the 128x128
  latents, more loosely, to the committed encoder's 64x64 latents enlarged 2x (so the hires fix's two ways of
  enlarging, latent interpolation and decode-resize-encode, start the second pass from alike latents).
- latents: every scene encoded at both sizes by the new encoder (the committed scaling factor is kept).
- unet: the UNet (text encoder frozen: captions mean what they meant) on 8x8 and 16x16 latents in turn, plain
  epsilon loss, the same captions and 10% caption dropout; 16x16 batches draw most of their timesteps below
  600 (the hires pass at strength 0.5 runs below 500) and the rest from the whole schedule, for plain 128x128
  generation. A second round (--resume --upsampled-share 0.25) also noises part of each 16x16 batch from the
  8x8 latents enlarged 2x, with the target that leads to the scene's own 16x16 latents (the hires fix's
  `latent` path). The EMA weights are exported. reproduce-hires.sh has the exact commands.
"""
import argparse
import math
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import train  # noqa: E402
import world  # noqa: E402
from nets import TextEncoder, UNet, VaeDecoder, VaeEncoder  # noqa: E402

BASE = train.WORK
OUT = os.path.join(train.WORK, "hires")
HIGH = 2 * world.SIZE


def log(message):
    train.log(f"hires: {message}")


def images_of(scenes, size):
    return torch.from_numpy(np.stack([np.round(world.render(s, size) * 255).astype(np.uint8) for s in scenes]))


def make_data(count, seed):
    rng = np.random.default_rng(seed)
    scenes = [world.random_scene(rng) for _ in range(count)]
    torch.save({"scenes": scenes, "low": images_of(scenes, world.SIZE), "high": images_of(scenes, HIGH)},
               os.path.join(OUT, "data.pt"))
    shutil.copytree(os.path.join(BASE, "tokenizer"), os.path.join(OUT, "tokenizer"), dirs_exist_ok=True)
    log(f"data: {count} scenes at {world.SIZE} and {HIGH} (seed {seed})")


def committed_vae():
    state = torch.load(os.path.join(BASE, "vae.pt"))
    encoder, decoder = VaeEncoder(), VaeDecoder()
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    return encoder, decoder


def reconstruction(recon, x, edge_weight):
    return (train.edge_weights(x, edge_weight) * (recon - x).abs()).mean() + F.mse_loss(recon, x)


def train_vae(steps, batch, seed, edge_weight, anchor_low, anchor_high, lr_max):
    """batch: 64x64 pictures per step; half as many 128x128 ones go with them (the same pixel count as batch)."""
    torch.manual_seed(seed)
    data = torch.load(os.path.join(OUT, "data.pt"))
    low, high = data["low"], data["high"]
    teacher, _ = committed_vae()
    teacher.eval().requires_grad_(False)
    encoder, decoder = committed_vae()
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.AdamW(params, lr=lr_max, weight_decay=0.0)
    gen = torch.Generator().manual_seed(seed)
    noise = 0.05  # latent noise while decoding, as train.py's decoder stage: a sampled latent is never exact
    start, running = time.time(), None
    for step in range(1, steps + 1):
        for group in opt.param_groups:
            group["lr"] = lr_max * min(1.0, step / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        i_low = torch.randint(len(low), (batch,), generator=gen)
        i_high = torch.randint(len(high), (batch // 2,), generator=gen)
        x_low, x_high = train.to_model_range(low[i_low]), train.to_model_range(high[i_high])
        with torch.no_grad():
            want_low = teacher(x_low)[0]
            want_high = F.interpolate(teacher(train.to_model_range(low[i_high]))[0], scale_factor=2.0, mode="bilinear",
                                      align_corners=False)
        z_low, z_high = encoder(x_low)[0], encoder(x_high)[0]
        rec_low = reconstruction(decoder(z_low + noise * torch.randn(z_low.shape, generator=gen)), x_low, edge_weight)
        rec_high = reconstruction(decoder(z_high + noise * torch.randn(z_high.shape, generator=gen)), x_high, edge_weight)
        keep_low = F.mse_loss(z_low, want_low)
        keep_high = F.mse_loss(z_high, want_high)
        loss = rec_low + rec_high + anchor_low * keep_low + anchor_high * keep_high
        train.optimise(opt, loss, clip=params)
        values = np.array([rec_low.item(), rec_high.item(), keep_low.item(), keep_high.item()])
        running = values if running is None else 0.95 * running + 0.05 * values
        if step % 25 == 0 or step == steps:
            log(f"vae step {step}/{steps} rec64 {running[0]:.4f} rec128 {running[1]:.4f} latent64 drift {running[2]:.4f} "
                f"latent128 vs 2x {running[3]:.4f} ({time.time() - start:.0f}s)")
        if step % 250 == 0 or step == steps:
            torch.save({"encoder": encoder.state_dict(), "decoder": decoder.state_dict()}, os.path.join(OUT, "vae.pt.tmp"))
            os.replace(os.path.join(OUT, "vae.pt.tmp"), os.path.join(OUT, "vae.pt"))


def encode_latents():
    state = torch.load(os.path.join(OUT, "vae.pt"))
    encoder, decoder = VaeEncoder().eval(), VaeDecoder().eval()
    encoder.load_state_dict(state["encoder"])
    decoder.load_state_dict(state["decoder"])
    data = torch.load(os.path.join(OUT, "data.pt"))
    out = {}
    with torch.no_grad():
        for name in ("low", "high"):
            means, errors = [], []
            for i in range(0, len(data[name]), 250):
                x = train.to_model_range(data[name][i : i + 250])
                mean = encoder(x)[0]
                means.append(mean)
                errors.append((decoder(mean) - x).abs().mean(dim=(1, 2, 3)))
            out[name] = torch.cat(means)
            log(f"latents {name}: {tuple(out[name].shape)}, std {out[name].std():.4f}, round trip mean abs error "
                f"{float(torch.cat(errors).mean() * 127.5):.2f}/255")
    torch.save(out, os.path.join(OUT, "latents.pt"))


def train_unet(steps, batch_low, batch_high, seed, lr_max, ema_decay, caption_dropout, high_below, high_share_low_t,
               upsampled_share, resume):
    """Steps alternate: odd steps an 8x8 batch, even steps a 16x16 one. upsampled_share of a 16x16 batch is noised
    from the 8x8 latents of its scene enlarged 2x (bilinear, as the hires fix's 'latent' upscaler) with the target
    the noise that leads to the scene's own 16x16 latents: what the hires fix's second pass is asked to do.
    resume: a further round from the EMA weights of work/hires/diffusion.pt (fresh optimizer and schedule)."""
    torch.manual_seed(seed)
    base = torch.load(os.path.join(BASE, "diffusion.pt"))
    start_from = torch.load(os.path.join(OUT, "diffusion.pt")) if resume else base
    done_before = start_from["step"] - base["step"]
    tokenizer = train.Tokenizer()
    scenes = torch.load(os.path.join(OUT, "data.pt"))["scenes"]
    packed = torch.load(os.path.join(OUT, "latents.pt"))
    scale = base["scaling_factor"]
    latents = {"low": packed["low"] * scale, "high": packed["high"] * scale}
    text_encoder = TextEncoder(base["vocab_size"], **train.TEXT).eval()
    text_encoder.load_state_dict(base["ema_text"])
    text_encoder.requires_grad_(False)
    unet, ema_unet = UNet(**train.UNET), UNet(**train.UNET)
    unet.load_state_dict(start_from["ema_unet"])
    ema_unet.load_state_dict(start_from["ema_unet"])
    if resume:
        log(f"unet: continuing from the EMA weights of hires step {done_before}")
        seed += done_before
    ema_unet.requires_grad_(False)
    params = list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=lr_max, weight_decay=0.01)
    rng = np.random.default_rng(seed)
    empty = tokenizer.encode("")
    began = time.time()
    running = {"low": None, "high": None}
    for step in range(1, steps + 1):
        for group in opt.param_groups:
            group["lr"] = lr_max * min(1.0, step / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        kind = "low" if step % 2 else "high"
        batch = batch_low if kind == "low" else batch_high
        index = rng.integers(len(scenes), size=batch)
        ids = torch.tensor([empty if rng.random() < caption_dropout else tokenizer.encode(world.caption(scenes[i], rng))
                            for i in index], dtype=torch.int32)
        x0 = latents[kind][torch.from_numpy(index)]
        if kind == "high":
            t = torch.from_numpy(np.where(rng.random(batch) < high_share_low_t, rng.integers(0, high_below, size=batch),
                                          rng.integers(0, 1000, size=batch)))
        else:
            t = torch.from_numpy(rng.integers(0, 1000, size=batch))
        noise = torch.randn_like(x0)
        ab = train.ALPHAS_CUMPROD[t][:, None, None, None]
        start = x0
        target = noise
        if kind == "high" and upsampled_share > 0:
            chosen = torch.from_numpy(rng.random(batch) < upsampled_share)
            t = torch.where(chosen, torch.from_numpy(rng.integers(250, 650, size=batch)), t)
            ab = train.ALPHAS_CUMPROD[t][:, None, None, None]
            enlarged = F.interpolate(latents["low"][torch.from_numpy(index)], scale_factor=2.0, mode="bilinear", align_corners=False)
            start = torch.where(chosen[:, None, None, None], enlarged, x0)
            # x_t from the enlarged latents; the noise a denoiser must predict for x_t to lead to x0.
            target = noise + (ab.sqrt() / (1 - ab).sqrt()) * (start - x0)
        with torch.no_grad():
            context, _ = text_encoder(ids)
        loss = (unet(ab.sqrt() * start + (1 - ab).sqrt() * noise, t.float(), context) - target).pow(2).mean()
        train.optimise(opt, loss, clip=params)
        train.update_ema(zip(ema_unet.parameters(), params), ema_decay, step)
        running[kind] = loss.item() if running[kind] is None else 0.95 * running[kind] + 0.05 * loss.item()
        if step % 20 == 0 or step == steps:
            log(f"unet step {done_before + step}/{done_before + steps} loss 8x8 {running['low']:.4f} 16x16 {running['high']:.4f} "
                f"({time.time() - began:.0f}s)")
        if step % 100 == 0 or step == steps:
            state = {
                "text_encoder": base["ema_text"], "unet": unet.state_dict(),
                "ema_text": base["ema_text"], "ema_unet": ema_unet.state_dict(),
                "step": base["step"] + done_before + step, "vocab_size": base["vocab_size"], "scaling_factor": scale,
            }
            torch.save(state, os.path.join(OUT, "diffusion.pt.tmp"))
            os.replace(os.path.join(OUT, "diffusion.pt.tmp"), os.path.join(OUT, "diffusion.pt"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["data", "vae", "latents", "unet", "all"])
    parser.add_argument("--seed", type=int, default=300)
    parser.add_argument("--scenes", type=int, default=6000)
    parser.add_argument("--vae-steps", type=int, default=600)
    parser.add_argument("--vae-batch", type=int, default=16, help="64x64 pictures a step (and half as many 128x128)")
    parser.add_argument("--vae-lr", type=float, default=3e-4)
    parser.add_argument("--edge-weight", type=float, default=4.0)
    parser.add_argument("--anchor-low", type=float, default=1.0, help="weight of the 64x64 latents' drift from the committed encoder's")
    parser.add_argument("--anchor-high", type=float, default=0.1, help="weight of the 128x128 latents' distance from the committed 64x64 ones enlarged 2x")
    parser.add_argument("--steps", type=int, default=1000, help="UNet steps (8x8 and 16x16 batches in turn)")
    parser.add_argument("--batch-low", type=int, default=32)
    parser.add_argument("--batch-high", type=int, default=12)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--ema", type=float, default=0.995)
    parser.add_argument("--high-below", type=int, default=600, help="16x16 batches: most timesteps below this")
    parser.add_argument("--high-share", type=float, default=0.7, help="16x16 batches: share of timesteps below --high-below")
    parser.add_argument("--upsampled-share", type=float, default=0.0,
                        help="16x16 batches: share noised from the 8x8 latents enlarged 2x (targets lead to the 16x16 ones)")
    parser.add_argument("--resume", action="store_true", help="unet: a further round from work/hires/diffusion.pt")
    parser.add_argument("--threads", type=int, default=1, help="1: on the shared 2-core machine 2 threads were slower")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(OUT, exist_ok=True)
    stages = ["data", "vae", "latents", "unet"] if args.stage == "all" else [args.stage]
    log(f"train_hires.py {' '.join(sys.argv[1:])} (torch {torch.__version__}, {args.threads} threads)")
    for stage in stages:
        began = time.time()
        if stage == "data":
            make_data(args.scenes, args.seed)
        elif stage == "vae":
            train_vae(args.vae_steps, args.vae_batch, args.seed, args.edge_weight, args.anchor_low, args.anchor_high, args.vae_lr)
        elif stage == "latents":
            encode_latents()
        elif stage == "unet":
            train_unet(args.steps, args.batch_low, args.batch_high, args.seed, args.lr, args.ema, 0.1, args.high_below, args.high_share,
                       args.upsampled_share, args.resume)
        log(f"stage {stage} took {time.time() - began:.0f}s")


if __name__ == "__main__":
    main()
