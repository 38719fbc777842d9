#!/bin/sh
# The LoRA and the embedding that ship in models/loras/ and models/embeddings/ (their PEFT and diffusers copies
# in test/fixtures/), trained on the committed toy-shapes, and the fixture that holds the TypeScript merge to
# PyTorch's. See README.md here ("The toy LoRA and embedding") for times and scores.
# Needs: apt-get install python3-torch python3-numpy python3-pil python3-onnx libopenblas0-pthread; npm ci.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
npm run build                                   # the scoring reads the test suite's analyser from dist/
$PY tools/toy-model/train.py tokenizer
$PY tools/toy-model/recover.py                  # work/vae.pt and work/diffusion.pt from the committed export
$PY tools/toy-model/train_lora.py --steps 1500
$PY tools/toy-model/train_embedding.py --flat-lr
$PY tools/toy-model/train_embedding.py --resume --steps 600
$PY tools/toy-model/lora_parity.py              # test/fixtures/toy-lora-parity.json
$PY tools/toy-model/score_lora.py --weights 0,1 --embedding
