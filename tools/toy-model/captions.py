"""Tokenizes captions that hold words outside the toy vocabulary ("bar", "toy-sunset"), as Atelier will.

CLIP's BPE splits text into words first and merges within a word only, so a word's tokens do not depend on the
words around it: each unknown word is tokenized once by the project's own tokenizer (tokenize.mjs, the one the
pipeline runs) and its pieces are spliced in wherever it occurs.
"""
import json
import os
import re
import subprocess

import train

TOKENIZE = os.path.join(train.HERE, "tokenize.mjs")


class CaptionTokenizer(train.Tokenizer):
    def __init__(self, extra_words):
        super().__init__()
        rows = json.loads(subprocess.run(["node", TOKENIZE, os.path.join(train.WORK, "tokenizer")], input=json.dumps(list(extra_words)),
                                         capture_output=True, text=True, check=True, cwd=train.REPO).stdout)
        self.pieces = {word: [i for i in row[1:] if i != self.end] for word, row in zip(extra_words, rows)}

    def ids(self, text):
        """Token ids of the text, without start and end tokens."""
        out = []
        for piece in re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", text.lower()):
            out += self.pieces[piece] if piece in self.pieces else [self.vocab[piece + "</w>"]]
        return out

    def encode(self, text):
        ids = [self.start] + self.ids(text)[: train.MAX_LENGTH - 2] + [self.end]
        return ids + [self.end] * (train.MAX_LENGTH - len(ids))
