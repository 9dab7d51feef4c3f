"""Train the bundled model as a causal language model on the encoded corpus, reproducibly.

Same seed and thread count give the same weights. A length curriculum (short windows first,
then the full context) keeps most steps cheap while the model still learns every position.
Writes work/checkpoint.pt, work/model.onnx (also every EXPORT_EVERY steps, so tools can be built
on an early model) and work/train-log.json.
"""
import json
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Config, TransformerLM  # noqa: E402
from export import export  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
SEED = 1234
THREADS = int(os.environ.get("TRAIN_THREADS", "2"))
# (steps, context, batch): ~8.2M tokens at 128, then ~3.7M at the full 512 context.
PHASES = [(1000, 128, 64), (450, 512, 16)]
PEAK_LR, MIN_LR, WARMUP = 2e-3, 1e-4, 150
EXPORT_EVERY = 250


def lr_at(step, total):
    if step < WARMUP:
        return PEAK_LR * (step + 1) / WARMUP
    progress = (step - WARMUP) / max(1, total - WARMUP)
    return MIN_LR + 0.5 * (PEAK_LR - MIN_LR) * (1 + math.cos(math.pi * progress))


def load(split):
    return np.fromfile(os.path.join(WORK, f"{split}.bin"), dtype=np.uint16).astype(np.int64)


@torch.no_grad()
def evaluate(model, val, context, limit=None):
    """Mean next-token loss (nats) over non-overlapping windows of the held-out split."""
    model.eval()
    total, count = 0.0, 0
    windows = (len(val) - 1) // context
    if limit:
        windows = min(windows, limit)
    for w in range(windows):
        chunk = torch.from_numpy(val[w * context: w * context + context + 1]).unsqueeze(0)
        logits = model(chunk[:, :-1])
        total += F.cross_entropy(logits[0], chunk[0, 1:], reduction="sum").item()
        count += context
    model.train()
    return total / count


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    rng = np.random.RandomState(SEED)
    with open(os.path.join(WORK, "tokens.json")) as f:
        stats = json.load(f)
    cfg = Config(vocab=len(json.load(open(os.path.join(WORK, "tokenizer.json")))["model"]["vocab"]))
    train, val = load("train"), load("val")
    model = TransformerLM(cfg)
    params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=PEAK_LR, betas=(0.9, 0.98), eps=1e-9)
    total_steps = sum(p[0] for p in PHASES)
    bytes_per_token = stats["val"]["bytes"] / stats["val"]["tokens"]
    log = {"config": cfg.to_dict(), "params": params, "seed": SEED, "threads": THREADS,
           "phases": PHASES, "peak_lr": PEAK_LR, "machine": f"{platform.machine()} {os.cpu_count()} cores",
           "torch": torch.__version__, "curve": []}
    print(f"params {params}, steps {total_steps}", flush=True)
    start = time.time()
    step, tokens = 0, 0
    for steps, context, batch in PHASES:
        for _ in range(steps):
            starts = rng.randint(0, len(train) - context - 1, size=batch)
            chunk = torch.from_numpy(np.stack([train[s: s + context + 1] for s in starts]))
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total_steps)
            logits = model(chunk[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, cfg.vocab), chunk[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            tokens += batch * context
            if step % 25 == 0:
                elapsed = time.time() - start
                print(f"step {step}/{total_steps} ctx {context} loss {loss.item():.3f} "
                      f"{tokens / elapsed:.0f} tok/s {elapsed / 60:.1f} min", flush=True)
                log["curve"].append({"step": step, "loss": round(loss.item(), 4), "minutes": round(elapsed / 60, 2)})
            if step % EXPORT_EVERY == 0 or step == total_steps:
                val_loss = evaluate(model, val, 512, limit=None if step == total_steps else 40)
                bpb = val_loss / math.log(2) / bytes_per_token
                print(f"eval step {step}: val loss {val_loss:.4f} nats/token, {bpb:.3f} bits/byte", flush=True)
                log["curve"].append({"step": step, "val_bits_per_byte": round(bpb, 4),
                                     "minutes": round((time.time() - start) / 60, 2)})
                torch.save(model.state_dict(), os.path.join(WORK, "checkpoint.pt"))
                export(model, os.path.join(WORK, "model.onnx"))
                model.train()
    log["train_minutes"] = round((time.time() - start) / 60, 1)
    log["train_tokens"] = tokens
    log["val_loss_nats_per_token"] = round(val_loss, 4)
    log["val_bits_per_byte"] = round(bpb, 4)
    log["bytes_per_token"] = round(bytes_per_token, 4)
    with open(os.path.join(WORK, "train-log.json"), "w") as f:
        json.dump(log, f, indent=1)
    print("done", json.dumps({k: log[k] for k in ("train_minutes", "val_bits_per_byte")}))


if __name__ == "__main__":
    main()
