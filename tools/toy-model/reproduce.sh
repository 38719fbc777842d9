#!/bin/sh
# The exact sequence that trained the committed models/toy-shapes (see README.md here for times and losses).
# Needs: apt-get install python3-torch python3-numpy python3-pil libopenblas0-pthread; `npm ci` (for the tokenizer writer).
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
$PY tools/toy-model/train.py tokenizer
$PY tools/toy-model/train.py data --scenes 40000 --seed 0
# The VAE trained in two rounds (the second from the first's weights, with a fresh learning-rate schedule).
$PY tools/toy-model/train.py vae --vae-steps 3000 --vae-batch 16 --l1-weight 1.0 --seed 0
$PY tools/toy-model/train.py vae --vae-steps 4000 --vae-batch 32 --l1-weight 1.0 --seed 1 --resume
$PY tools/toy-model/train.py latents
# The decoder fine-tuning and the diffusion training only read latents.pt, so they are independent; the
# committed model ran them side by side, the decoder on one thread.
$PY tools/toy-model/train.py decoder --decoder-steps 3000 --vae-batch 32 --edge-weight 4 --seed 0 --threads 1
$PY tools/toy-model/train.py diffusion --steps 5000 --batch 48 --seed 0
# At 5000 steps squares were still read as circles too often (77% of shapes right); 2000 more steps, resumed
# with the learning-rate schedule stretched to 7000 steps.
$PY tools/toy-model/train.py diffusion --steps 7000 --batch 48 --seed 0 --resume
$PY tools/toy-model/export.py
