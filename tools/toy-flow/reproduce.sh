#!/bin/sh
# The sequence that trained the committed models/toy-flow (see README.md here for times and losses).
# Needs: apt-get install python3-torch python3-numpy python3-pil python3-onnx libopenblas0-pthread; `npm ci`.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
# The toy world's scenes and the committed toy-shapes networks (its CLIP text encoder is reused, frozen).
$PY tools/toy-model/train.py tokenizer
$PY tools/toy-model/train.py data --scenes 40000 --seed 0
$PY tools/toy-model/recover.py
$PY tools/toy-flow/train_flow.py tokenizer
$PY tools/toy-flow/train_flow.py vae --steps 3000 --batch 16 --seed 0
$PY tools/toy-flow/train_flow.py latents
$PY tools/toy-flow/train_flow.py flow --steps 3000 --batch 32 --seed 0
$PY tools/toy-flow/export_flow.py
