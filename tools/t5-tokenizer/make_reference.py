"""Writes test/fixtures/t5-tokenizer/: a small SentencePiece Unigram model trained as T5's was (nmt_nfkc
normalisation, <pad> 0, </s> 1, <unk> 2, no start token) and the ids SentencePiece itself gives for a set of
prompts, with T5's end token appended (what T5TokenizerFast returns). The project's T5 tokenizer reads the
model from spiece.model (see src/diffusion/text/sentencepiece-model.ts) and must give the same ids.

Needs Debian's python3-sentencepiece: /usr/bin/python3 tools/t5-tokenizer/make_reference.py
"""
import json
import os
import random

import sentencepiece as spm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "t5-tokenizer")

SUBJECTS = "samurai fox lighthouse castle dragon knight robot city forest river mountain portrait cat astronaut ship garden temple market street".split()
MODIFIERS = (
    "red blue green golden dark misty rainy neon cyberpunk steampunk watercolor oil painting photo photograph cinematic lighting "
    "highly detailed intricate sharp focus trending on artstation by greg rutkowski octane render 8k 4k volumetric fog night "
    "sunset dawn snow rain storm ancient futuristic majestic beautiful dramatic moody soft light bokeh wide angle close up"
).split()


def prompt(rng):
    words = [rng.choice(["a", "an", "the"]), rng.choice(SUBJECTS)]
    if rng.random() < 0.5:
        words += [rng.choice(["in", "on", "at", "under"]), "the", rng.choice(MODIFIERS)]
    parts = [" ".join(words)]
    for _ in range(rng.randint(2, 10)):
        parts.append(" ".join(rng.choice(MODIFIERS) for _ in range(rng.randint(1, 3))))
    text = ", ".join(parts)
    return text.capitalize() if rng.random() < 0.3 else text


def main():
    rng = random.Random(17)
    os.makedirs(OUT, exist_ok=True)
    corpus = os.path.join(OUT, "corpus.tmp")
    with open(corpus, "w") as f:
        f.write("\n".join(prompt(rng) for _ in range(5000)))
    spm.SentencePieceTrainer.train(
        input=corpus,
        model_prefix=os.path.join(OUT, "spiece"),
        vocab_size=150,
        model_type="unigram",
        normalization_rule_name="nmt_nfkc",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        pad_piece="<pad>",
        eos_piece="</s>",
        unk_piece="<unk>",
        minloglevel=2,
    )
    os.remove(corpus)
    os.remove(os.path.join(OUT, "spiece.vocab"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, "spiece.model"))
    texts = [prompt(rng) for _ in range(20)] + [
        "a samurai in the rain",
        "  leading and trailing spaces  ",
        "many    spaces\tand a tab\nand a newline",
        "Full-width ＲＥＤ letters and the ﬁ ligature",
        "café, naïve, déjà vu",
        "an emoji 🦊 and unseen letters: Ωμέγα, 東京",
        "numbers 1234 and 8k, 4k; punctuation!?",
        "UPPER CASE WORDS",
        "",
    ]
    cases = [{"text": t, "ids": sp.encode(t) + [sp.eos_id()]} for t in texts]
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"pieces": sp.get_piece_size(), "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
