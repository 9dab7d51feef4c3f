"""Head scores and bits per byte of a TransformerLM, computed in PyTorch during training.

The definitions mirror src/attention/headScores.ts and scripts/modelReport.ts, so a number here
is the number `npm run model:report` prints for the exported model (checked on the shipped
model: `python3 training/scores.py media/model/model.onnx`):
  * previous_token: mean weight from each query i >= 1 on key i-1, over the full 512-token
    windows of training/heldout-sample.txt;
  * bracket: fraction of closing brackets whose argmax key is the token holding the matching
    opener (bracketPairs: nearest open bracket of the same kind, unclosed ones dropped);
  * induction: mean weight from position i of the second copy of a random 100-token block on
    i - 100 + 1 (8 blocks from Mulberry32 seeded 20240613, as modelReport.ts draws them);
  * induction_natural: on the same held-out windows, for each query i whose two-token suffix
    (ids[i-1], ids[i]) occurred before ending at j <= i-2 (most recent j), the weight on j+1,
    the token that followed last time. Real code repeats itself (names, call patterns), so this
    says whether the synthetic score carries over to what users look at;
  * bits per byte of the held-out sample (nats over every window, as modelReport.ts counts).
Each score's "best" is the maximum over layers and heads of the per-head mean.
"""
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
CONTEXT = 512
INDUCTION_SEQUENCES = 8
INDUCTION_BLOCK = 100
INDUCTION_SEED = 20240613
OPENER_OF = {")": "(", "]": "[", "}": "{"}


def mulberry32(seed):
    """src/shared/seededRandom.ts: the same float sequence for the same seed."""
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def next_value():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_value


def bracket_pairs(texts):
    """[(opener, closer)] token indices; src/attention/headScores.ts bracketPairs."""
    open_, pairs = [], []
    for token, text in enumerate(texts):
        for char in text:
            if char in "([{":
                open_.append((char, token))
            elif char in OPENER_OF:
                match = next((k for k in range(len(open_) - 1, -1, -1) if open_[k][0] == OPENER_OF[char]), -1)
                if match < 0:
                    continue
                opener = open_[match][1]
                del open_[match:]
                if opener < token:
                    pairs.append((opener, token))
    return pairs


def repeat_targets(ids):
    """(queries, targets) for induction_natural: see the module doc."""
    last = {}
    queries, targets = [], []
    for i in range(1, len(ids)):
        key = (ids[i - 1], ids[i])
        j = last.get(key)
        if j is not None and j <= i - 2:
            queries.append(i)
            targets.append(j + 1)
        last[key] = i
    return queries, targets


def load_heldout():
    with open(os.path.join(WORK, "heldout.json")) as f:
        return json.load(f)


@torch.no_grad()
def score(model, heldout, context=CONTEXT):
    """Best head per score (value, layer, head), per-head means and held-out bits per byte."""
    model.eval()
    ids, texts = heldout["ids"], heldout["texts"]
    layers, heads = model.cfg.layers, model.cfg.heads
    sums = {name: torch.zeros(layers, heads, dtype=torch.float64)
            for name in ("previous_token", "bracket", "induction", "induction_natural", "entropy")}
    weights = {name: 0.0 for name in sums}
    nats, predicted = 0.0, 0
    chance_natural, natural_count = 0.0, 0
    for start in range(0, len(ids), context):
        window = ids[start:start + context]
        x = torch.tensor(window, dtype=torch.long).unsqueeze(0)
        logits, parts = model(x, with_parts=True)
        logp = torch.log_softmax(logits[0, :-1].double(), dim=-1)
        target = torch.tensor(window[1:], dtype=torch.long)
        nats -= logp.gather(1, target.unsqueeze(1)).sum().item()
        predicted += len(window) - 1
        if len(window) < context:
            continue
        T = context
        pairs = bracket_pairs(texts[start:start + context])
        queries, targets = repeat_targets(window)
        chance_natural += sum(1 / (q + 1) for q in queries)
        natural_count += len(queries)
        rows = torch.arange(1, T)
        for layer, p in enumerate(parts):
            attn = p["attn"][0].double()  # [H, T, T]
            sums["previous_token"][layer] += attn[:, rows, rows - 1].mean(dim=1)
            row_entropy = -(attn.clamp_min(1e-30).log2() * attn).sum(dim=-1)  # [H, T]
            sums["entropy"][layer] += row_entropy.mean(dim=1)
            if pairs:
                closers = torch.tensor([c for _, c in pairs])
                openers = torch.tensor([o for o, _ in pairs])
                hits = (attn[:, closers, :].argmax(dim=-1) == openers).double().sum(dim=1)
                sums["bracket"][layer] += hits  # weighted by pair count, as modelReport.ts does
            if queries:
                q, t = torch.tensor(queries), torch.tensor(targets)
                sums["induction_natural"][layer] += attn[:, q, t].sum(dim=1)
        weights["previous_token"] += 1
        weights["entropy"] += 1
        weights["bracket"] += len(pairs)
        weights["induction_natural"] += len(queries)
    random = mulberry32(INDUCTION_SEED)
    L = INDUCTION_BLOCK
    for _ in range(INDUCTION_SEQUENCES):
        block = [math.floor(random() * model.cfg.vocab) for _ in range(L)]
        _, parts = model(torch.tensor(block + block, dtype=torch.long).unsqueeze(0), with_parts=True)
        rows = torch.arange(L, 2 * L)
        for layer, p in enumerate(parts):
            sums["induction"][layer] += p["attn"][0].double()[:, rows, rows - L + 1].mean(dim=1)
        weights["induction"] += 1
    means = {name: (sums[name] / max(weights[name], 1e-9)) for name in sums}
    result = {"heldout_bits_per_byte": nats / predicted / math.log(2) * len(ids) / heldout["bytes"]}
    for name in ("previous_token", "bracket", "induction", "induction_natural"):
        m = means[name]
        flat = int(m.argmax())
        result[name] = {"score": round(m.max().item(), 4), "layer": flat // heads, "head": flat % heads}
    result["layer0_entropy_bits"] = round(means["entropy"][0].mean().item(), 3)
    result["chance_induction_natural"] = round(chance_natural / max(natural_count, 1), 4)
    result["per_head"] = {name: [[round(v, 4) for v in row] for row in means[name].tolist()] for name in means}
    model.train()
    return result


@torch.no_grad()
def val_bits_per_byte(model, val, bytes_per_token, context=CONTEXT, limit=None):
    """Bits per byte of the held-out split (non-overlapping windows), as train.py reports it."""
    model.eval()
    windows = (len(val) - 1) // context
    if limit:
        windows = min(windows, limit)
    total = 0.0
    for w in range(windows):
        chunk = torch.from_numpy(val[w * context: w * context + context + 1].astype(np.int64)).unsqueeze(0)
        logits = model(chunk[:, :-1])
        total += torch.nn.functional.cross_entropy(logits[0], chunk[0, 1:], reduction="sum").item()
    model.train()
    return total / (windows * context) / math.log(2) / bytes_per_token


def model_from_onnx(path):
    """A TransformerLM holding the weights of an exported model (for checking this scorer)."""
    import onnx
    from onnx import numpy_helper
    from model import Config, TransformerLM

    graph = onnx.load(path).graph
    init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializers} \
        if hasattr(graph, "initializers") else {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    embed = init["model.embed.weight"]
    layers = len({k.split(".")[2] for k in init if k.startswith("model.layers.")})
    heads = next(o.type.tensor_type.shape.dim[1].dim_value for o in graph.output if o.name == "q_0")
    cfg = Config(vocab=embed.shape[0], d_model=embed.shape[1], heads=heads, layers=layers,
                 d_ff=init["model.layers.0.ff1.bias"].shape[0], tied="model.decoder.weight" not in init)
    model = TransformerLM(cfg)
    state = {k[len("model."):]: v for k, v in init.items() if k.startswith("model.")}
    missing = model.load_state_dict(state, strict=False)
    needed = [k for k in missing.missing_keys if k != "decoder.weight" or not cfg.tied]
    if needed:
        sys.exit(f"{path}: no weights for {needed}")
    return model


def main():
    sys.path.insert(0, HERE)
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "1")))
    model = model_from_onnx(sys.argv[1])
    result = score(model, load_heldout())
    print(json.dumps({k: v for k, v in result.items() if k != "per_head"}))


if __name__ == "__main__":
    main()
