"""Does a checkpoint solve the synthetic bracket task of --bracket-share windows (train.py)?

On 40 windows that are one `bracket_span` each, all 512 tokens of it (seed 99; names and filler
drawn from the bracket-free tokens of a random training window, as in training), prints for each
checkpoint:
- the best head's bracket score on those windows (the fraction of closers whose argmax key is
  their opener, as scores.py measures it on natural code), and
- how often the model's top prediction after a closer is the name before its opener: the task
  itself (a model that matched every bracket would reach about 1),
both over the pairs with at least one token between opener and closer, and beside them what
simple rules reach on the same pairs (printed first): predicting the window's most frequent
name, and attending to the most recent opener of the closer's kind, or of any kind.

    /usr/bin/python3 training/bracket_probe.py CHECKPOINT.pt [...]
(a weights file or a resumable state such as training/resume.pt). Needs work/ from train.sh.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scores  # noqa: E402
import train  # noqa: E402
from model import Config, TransformerLM  # noqa: E402

WINDOWS, CONTEXT, SEED = 40, 512, 99


def probe_windows(tokens, texts_of, train_ids):
    """[(window, pairs)] of the probe, the same for every checkpoint."""
    rng = np.random.RandomState(SEED)
    out = []
    for _ in range(WINDOWS):
        start = rng.randint(0, len(train_ids) - CONTEXT)
        names = [int(t) for t in train_ids[start:start + CONTEXT] if int(t) in tokens.plain_set]
        window = torch.tensor(train.bracket_span(rng, tokens, CONTEXT, names or list(tokens.plain[:64])))
        # Pairs with something between opener and closer: an empty pair `( )` is matched by any
        # previous-token head, which says nothing about bracket matching.
        pairs = [(o, c) for o, c in scores.bracket_pairs(texts_of(window)) if o >= 1 and c + 1 < CONTEXT and c - o >= 2]
        if pairs:
            out.append((window, pairs))
    return out


def baselines(windows, tokens, texts_of):
    """What simple rules reach on the probe's pairs: (most frequent name, most recent opener of the
    closer's kind, most recent opener of any kind)."""
    frequent = same_kind = any_kind = total = 0
    for window, pairs in windows:
        texts = texts_of(window)
        counts = {}
        for t in window.tolist():
            if t in tokens.plain_set:
                counts[t] = counts.get(t, 0) + 1
        top = max(counts, key=counts.get)
        for o, c in pairs:
            total += 1
            frequent += int(window[o - 1]) == top
            kind = scores.OPENER_OF[next(ch for ch in texts[c] if ch in scores.OPENER_OF)]
            openers = [k for k in range(c) if any(ch in "([{" for ch in texts[k])]
            same = [k for k in openers if kind in texts[k]]
            same_kind += bool(same) and same[-1] == o
            any_kind += bool(openers) and openers[-1] == o
    return frequent / total, same_kind / total, any_kind / total


@torch.no_grad()
def probe(model, cfg, windows):
    hits = torch.zeros(cfg.layers, cfg.heads, dtype=torch.float64)
    pairs_seen = predicted = 0
    for window, pairs in windows:
        logits, parts = model(window.unsqueeze(0), with_parts=True)
        openers = torch.tensor([o for o, _ in pairs])
        closers = torch.tensor([c for _, c in pairs])
        predicted += (logits[0].argmax(-1)[closers] == window[openers - 1]).sum().item()
        for layer, p in enumerate(parts):
            hits[layer] += (p["attn"][0][:, closers, :].argmax(-1) == openers).double().sum(1)
        pairs_seen += len(pairs)
    best = hits / max(pairs_seen, 1)
    flat = int(best.argmax())
    return best.max().item(), flat // cfg.heads, flat % cfg.heads, predicted / max(pairs_seen, 1)


def main():
    work = os.path.join(HERE, "work")
    with open(os.path.join(work, "tokenizer.json")) as f:
        vocab = json.load(f)["model"]["vocab"]
    text_of = {i: t for t, i in vocab.items()}
    with open(os.path.join(HERE, "train-log.json")) as f:
        cfg = Config(**json.load(f)["config"])
    tokens = train.BracketTokens(vocab)
    train_ids = train.load("train")
    texts_of = lambda w: [text_of[int(i)] for i in w]  # noqa: E731
    windows = probe_windows(tokens, texts_of, train_ids)
    frequent, same_kind, any_kind = baselines(windows, tokens, texts_of)
    print(f"rules: most frequent name {frequent:.3f}; attend to the latest opener of the closer's kind "
          f"{same_kind:.3f}, of any kind {any_kind:.3f}")
    for path in sys.argv[1:]:
        state = torch.load(path)
        model = TransformerLM(cfg)
        model.load_state_dict(state.get("model", state))
        model.eval()
        score, layer, head, task = probe(model, cfg, windows)
        print(f"{path}: synthetic bracket {score:.3f} (L{layer}H{head}), name after closer predicted {task:.3f}")


if __name__ == "__main__":
    main()
