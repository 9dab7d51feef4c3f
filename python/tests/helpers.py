"""Shared test data: seeded softmax attention and a source text with a character outside the BMP."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SOURCE = "def add(a, b):  # 🙂 sum\n    return a + b\n"


def softmax_attention(shape, seed=0, causal=False):
    """Random softmax rows of the given shape [..., T_q, T_k]."""
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=shape).astype(np.float32) * 2
    if causal:
        t_q, t_k = shape[-2:]
        scores = np.where(np.triu(np.ones((t_q, t_k), dtype=bool), 1), -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return (weights / weights.sum(axis=-1, keepdims=True)).astype(np.float32)


def words(text=SOURCE):
    """Whitespace-separated words with code point offsets, as a fast tokenizer's offset_mapping gives them."""
    tokens, offsets = [], []
    i = 0
    for part in text.split():
        start = text.index(part, i)
        tokens.append(part)
        offsets.append((start, start + len(part)))
        i = start + len(part)
    return tokens, offsets
