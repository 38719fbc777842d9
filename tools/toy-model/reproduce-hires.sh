#!/bin/sh
# toy-shapes-hires, the multi-size variant of toy-shapes (64x64 and 128x128, for the hires fix), fine-tuned from
# the committed model and exported to candidate/toy-shapes-hires (not committed; models/toy-shapes is left as
# it is). See README.md here ("The multi-size variant") for times and scores.
# Needs: apt-get install python3-torch python3-numpy python3-pil python3-onnx libopenblas0-pthread; npm ci.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
npm run build                                   # the tokenizer's BPE trainer and the scoring read dist/
$PY tools/toy-model/train.py tokenizer
$PY tools/toy-model/recover.py                  # work/vae.pt and work/diffusion.pt from the committed export
$PY tools/toy-model/train_hires.py data         # 6000 scenes at 64 and 128 -> work/hires/
$PY tools/toy-model/train_hires.py vae --vae-steps 700
$PY tools/toy-model/train_hires.py latents --threads 2   # as run (the thread count can change float rounding)
$PY tools/toy-model/train_hires.py unet --steps 1200
$PY tools/toy-model/train_hires.py unet --resume --steps 2400 --batch-high 16 --upsampled-share 0.25
$PY tools/toy-model/export.py --work tools/toy-model/work/hires --candidate candidate/toy-shapes-hires
node tools/toy-model/score-hires.mjs candidate/toy-shapes-hires models/toy-shapes 24 latent,lanczos
