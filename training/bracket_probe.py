"""Does a checkpoint solve the synthetic bracket task of --bracket-share windows (train.py)?

On 40 windows made entirely of `bracket_span` (seed 99, 512 tokens), prints for each checkpoint:
- the best head's bracket score on those windows (the fraction of closers whose argmax key is
  their opener, as scores.py measures it on natural code), and
- how often the model's top prediction after a closer is the name before its opener: the task
  itself (a model that matched every bracket would reach about 1).

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


@torch.no_grad()
def probe(model, cfg, tokens, texts_of, train_ids):
    rng = np.random.RandomState(SEED)
    hits = torch.zeros(cfg.layers, cfg.heads, dtype=torch.float64)
    pairs_seen = predicted = 0
    for _ in range(WINDOWS):
        window = train.batch_at(rng, train_ids, CONTEXT, 1, 0.0, 1.0, tokens)[0, :CONTEXT]
        pairs = [(o, c) for o, c in scores.bracket_pairs(texts_of(window)) if o >= 1 and c + 1 < CONTEXT]
        if not pairs:
            continue
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
    for path in sys.argv[1:]:
        state = torch.load(path)
        model = TransformerLM(cfg)
        model.load_state_dict(state.get("model", state))
        model.eval()
        score, layer, head, task = probe(model, cfg, tokens, lambda w: [text_of[int(i)] for i in w], train_ids)
        print(f"{path}: synthetic bracket {score:.3f} (L{layer}H{head}), name after closer predicted {task:.3f}")


if __name__ == "__main__":
    main()
