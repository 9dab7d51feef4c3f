"""Train the bundled model as a causal language model on the encoded corpus, reproducibly.

Same seed, options and thread count give the same weights. A length curriculum (short windows
first, then the full context) keeps most steps cheap while the model still learns every position.

With no options this is the schedule of the first bundled model; `train.sh` (`npm run train-model`)
passes the shipped model's schedule as options. Options make
the same script serve ablations (training/ABLATIONS.md): a token budget split over the curriculum
phases, learning rate and warm-up, an untied decoder, a scaled positional table, and a share of
"copy" windows (a span of the window repeated later in it, which only attention to the earlier
copy can predict: the signal that grows induction heads, Olsson et al. 2022), and a share of
"bracket" windows (nested brackets where the token after each closer repeats the token before its
opener, so the closer must find its own opener: the pattern the bracket score measures).

Training can stop after a time limit and continue later from one resumable checkpoint
(--state FILE: weights, optimizer moments, data-order RNG and step; replaced on every save), and
continuing gives the same weights as an uninterrupted run. Writes into --out (default work/):
checkpoint.pt (weights only), model.onnx, train-log.json and, with --score-every, scores.jsonl
(head scores and bits per byte at equal token counts, see scores.py).
"""
import argparse
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
import scores  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
# The shipped schedule, (steps, context, batch): ~8.2M tokens at 128, then ~3.7M at 512.
SHIPPED_PHASES = "1000x128x64,450x512x16"
# Exit status of a run that saved --state and stopped before the end of its schedule.
STOPPED = 3


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--phases", default=SHIPPED_PHASES,
                   help="curriculum: STEPSxCONTEXTxBATCH,... or, with --tokens, SHARE:CONTEXTxBATCH,... "
                        "(shares of the token budget)")
    p.add_argument("--tokens", type=int, default=0, help="token budget split over --phases by share")
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    p.add_argument("--min-lr", type=float, default=1e-4, help="learning rate at the end of the cosine")
    p.add_argument("--warmup", type=int, default=150, help="linear warm-up steps")
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--heads", type=int, default=Config.heads, help="attention heads per layer (d_k = d_model / heads)")
    p.add_argument("--layers", type=int, default=Config.layers, help="encoder layers")
    p.add_argument("--untied", action="store_true", help="decoder weight separate from the embedding")
    p.add_argument("--pos-scale", type=float, default=1.0, help="multiplier of the sinusoidal table")
    p.add_argument("--copy-share", type=float, default=0.0,
                   help="share of training windows with a span repeated later in the window")
    p.add_argument("--bracket-share", type=float, default=0.0,
                   help="share of training windows with a span of synthetic nested brackets")
    p.add_argument("--bracket-depth", type=int, default=8, help="deepest nesting of a bracket window's span")
    p.add_argument("--bracket-close", type=float, default=None,
                   help="probability that a bracket window's open bracket closes at each step (bracket_span)")
    p.add_argument("--bracket-span", type=float, default=0.5,
                   help="longest bracket span, as a share of the window (spans are 32 tokens up to this)")
    p.add_argument("--init", default="",
                   help="start from these weights (a checkpoint.pt) with a fresh optimizer and this schedule")
    p.add_argument("--reinit-heads", default="",
                   help="LAYER:HEAD,... heads of the --init weights drawn afresh (query, key, value rows and "
                        "output columns), as reset_parameters draws them")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=int(os.environ.get("TRAIN_THREADS", "2")))
    p.add_argument("--out", default=WORK, help="folder for checkpoint.pt, model.onnx, logs")
    p.add_argument("--score-every", type=int, default=0, help="score heads every N training tokens")
    p.add_argument("--export-every", type=int, default=250, help="steps between evaluations/exports")
    p.add_argument("--state", default="", help="resumable checkpoint: continue from it if it exists, save to it")
    p.add_argument("--stop-after-minutes", type=float, default=0,
                   help="save --state and stop after this long (a stretch of a longer schedule)")
    p.add_argument("--stop-at-step", type=int, default=0, help="save --state and stop at this step")
    return p.parse_args(argv)


def parse_phases(spec, tokens):
    """[(steps, context, batch)] from STEPSxCTXxBATCH or (with a token budget) SHARE:CTXxBATCH."""
    phases = []
    for part in spec.split(","):
        if ":" in part:
            if not tokens:
                sys.exit(f"phase '{part}' gives a share: pass --tokens")
            share, rest = part.split(":")
            context, batch = (int(v) for v in rest.split("x"))
            phases.append((max(1, round(float(share) * tokens / (context * batch))), context, batch))
        else:
            steps, context, batch = (int(v) for v in part.split("x"))
            phases.append((steps, context, batch))
    return phases


def lr_at(args, step, total):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = (step - args.warmup) / max(1, total - args.warmup)
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * progress))


def load(split):
    return np.fromfile(os.path.join(WORK, f"{split}.bin"), dtype=np.uint16).astype(np.int64)


class BracketTokens:
    """Token ids of the single-bracket tokens (with and without the leading-space marker `Ġ`) and
    of every token without a bracket character (the names and filler of a bracket window)."""

    def __init__(self, vocab):
        def ids(texts):
            return [vocab[t] for t in texts if t in vocab]
        self.openers = [ids([c, "Ġ" + c]) for c in "([{"]
        self.closers = [ids([c, "Ġ" + c]) for c in ")]}"]
        self.plain = np.array(sorted(i for t, i in vocab.items() if not any(c in t for c in "()[]{}")))
        self.plain_set = set(int(i) for i in self.plain)


def bracket_span(rng, tokens, length, names, max_depth=8, close_prob=None):
    """`length` token ids of nested brackets: NAME OPENER ... CLOSER NAME, with filler between.

    The token after a closer is the token before its matching opener, which only attention from
    the closer to that opener (reading what preceded it) predicts. Unclosed openers at the end are
    left open, as the bracket score drops them (scores.bracket_pairs). Nesting stops at
    `max_depth` open brackets.

    Each step opens a bracket, closes the innermost open one, or adds 1-4 filler names. With
    `close_prob` unset, one draw decides (open 0.35 while under `max_depth`, close 0.30, else
    filler; at `max_depth` the open band closes too, so shallow spans have short pairs). With
    `close_prob` set, an open bracket closes with that probability, else a second draw opens one
    with 0.35 while under `max_depth`, else filler: pairs then hold about
    2.5 (1 - close_prob) / close_prob filler tokens at depth 1, as long as natural code's
    (median opener-to-closer distance 6 tokens on the held-out sample).
    """
    out, stack = [], []

    def open_bracket():
        kind, name = rng.randint(3), names[rng.randint(len(names))]
        out.extend([name, tokens.openers[kind][rng.randint(len(tokens.openers[kind]))]])
        stack.append((kind, name))

    def close_bracket():
        kind, name = stack.pop()
        out.extend([tokens.closers[kind][rng.randint(len(tokens.closers[kind]))], name])

    def filler():
        out.extend(names[rng.randint(len(names))] for _ in range(rng.randint(1, 4)))

    while len(out) < length:
        if close_prob is not None:
            if stack and rng.random_sample() < close_prob:
                close_bracket()
            elif len(stack) < max_depth and rng.random_sample() < 0.35:
                open_bracket()
            else:
                filler()
            continue
        choice = rng.random_sample()
        if choice < 0.35 and len(stack) < max_depth:
            open_bracket()
        elif choice < 0.65 and stack:
            close_bracket()
        else:
            filler()
    return out[:length]


def batch_at(rng, train, context, batch, copy_share, bracket_share=0.0, bracket_tokens=None, bracket_depth=8,
             bracket_close=None, bracket_span_share=0.5):
    """[batch, context+1] windows; a copy window repeats one of its spans later in itself.

    Span length 8..context/4 tokens, copied to a later, non-overlapping place; the text after the
    second copy stays natural, so the model cannot learn that copies always run to the end.
    A bracket window replaces a span of 32..context*bracket_span_share tokens by `bracket_span`, its names drawn
    from the window's own bracket-free tokens.
    """
    starts = rng.randint(0, len(train) - context - 1, size=batch)
    chunk = np.stack([train[s: s + context + 1] for s in starts])
    if copy_share > 0:
        for row in np.nonzero(rng.random_sample(batch) < copy_share)[0]:
            length = rng.randint(8, max(9, context // 4) + 1)
            src = rng.randint(0, context + 1 - 2 * length)
            dst = rng.randint(src + length, context + 2 - length)
            chunk[row, dst:dst + length] = chunk[row, src:src + length].copy()
    if bracket_share > 0:
        for row in np.nonzero(rng.random_sample(batch) < bracket_share)[0]:
            length = rng.randint(32, max(33, int(context * bracket_span_share)) + 1)
            start = rng.randint(0, context + 2 - length)
            names = [t for t in chunk[row] if t in bracket_tokens.plain_set] or list(bracket_tokens.plain[:64])
            chunk[row, start:start + length] = bracket_span(rng, bracket_tokens, length, names, bracket_depth, bracket_close)
    return torch.from_numpy(chunk)


def reinit_heads(model, spec):
    """Draws the given heads afresh: N(0, 0.02) for their rows of the query, key and value weights
    and their columns of the output projection, zero for their query, key and value biases.

    A trained head's weights sit where the loss put them for the job it took; a head drawn afresh
    inside trained layers can take another job (ABLATIONS.md, "A fresh head"). The other heads and
    every other weight are kept.
    """
    d_k = model.cfg.d_model // model.cfg.heads
    with torch.no_grad():
        for part in spec.split(","):
            layer, head = (int(v) for v in part.split(":"))
            attn = model.layers[layer].attn
            rows = slice(head * d_k, (head + 1) * d_k)
            for proj in (attn.q, attn.k, attn.v):
                proj.weight[rows].normal_(0.0, 0.02)
                proj.bias[rows].zero_()
            attn.out.weight[:, rows].normal_(0.0, 0.02)


def main(argv=None):
    args = parse_args(argv)
    phases = parse_phases(args.phases, args.tokens)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.RandomState(args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(WORK, "tokens.json")) as f:
        stats = json.load(f)
    with open(os.path.join(WORK, "tokenizer.json")) as f:
        vocab_ids = json.load(f)["model"]["vocab"]
    vocab = len(vocab_ids)
    bracket_tokens = BracketTokens(vocab_ids) if args.bracket_share else None
    cfg = Config(vocab=vocab, heads=args.heads, layers=args.layers, tied=not args.untied, pos_scale=args.pos_scale)
    train, val = load("train"), load("val")
    heldout = scores.load_heldout() if args.score_every else None
    model = TransformerLM(cfg)
    if args.init:
        init = torch.load(args.init)
        model.load_state_dict(init.get("model", init))  # a resumable state or weights only
    if args.reinit_heads:
        reinit_heads(model, args.reinit_heads)
    params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-9)
    total_steps = sum(p[0] for p in phases)
    bytes_per_token = stats["val"]["bytes"] / stats["val"]["tokens"]
    # What decides the weights; a checkpoint continues only under the same (threads change the
    # last bits, not the schedule, so a stretch on another machine may use another count).
    # Options added after a checkpoint was written are left out while at their default, so it still
    # continues.
    defaults = vars(parse_args([]))
    later = ("bracket_share", "bracket_depth", "bracket_close", "bracket_span", "init", "reinit_heads", "heads", "layers")
    options = {k: v for k, v in vars(args).items()
               if k not in ("out", "state", "stop_after_minutes", "stop_at_step", "threads", "score_every", "export_every")
               and not (k in later and v == defaults[k])}
    log = {"config": cfg.to_dict(), "params": params, "seed": args.seed, "threads": args.threads,
           "phases": phases, "peak_lr": args.lr, "options": options,
           "machine": f"{platform.machine()} {os.cpu_count()} cores", "torch": torch.__version__,
           "curve": [], "stretches": []}
    step, tokens, minutes_before = 0, 0, 0.0
    if args.state and os.path.exists(args.state):
        state = torch.load(args.state)
        if state["options"] != options:
            sys.exit(f"{args.state} was written with other options: {state['options']}")
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        rng.set_state(state["rng"])
        step, tokens, log = state["step"], state["tokens"], state["log"]
        minutes_before = log["stretches"][-1]["minutes_total"] if log["stretches"] else 0.0
        print(f"resumed {args.state} at step {step} ({tokens} tokens, {minutes_before:.1f} min)", flush=True)
    print(f"params {params}, steps {total_steps}, phases {phases}", flush=True)
    start = time.time()
    start_tokens = tokens
    next_score = (tokens // args.score_every + 1) * args.score_every if args.score_every else None

    def elapsed_minutes():
        return minutes_before + (time.time() - start) / 60

    def stretch(end):
        return {"until_step": step, "minutes": round((time.time() - start) / 60, 2),
                "minutes_total": round(elapsed_minutes(), 2), "end": end}

    def save_state(end):
        """Write --state; `end` says why: stopped (time limit or --stop-at-step) or a periodic save (a crash loses
        at most the steps since)."""
        if not args.state:
            return
        saved = dict(log, stretches=log["stretches"] + [stretch(end)])
        tmp = args.state + ".tmp"
        torch.save({"options": options, "model": model.state_dict(), "optimizer": opt.state_dict(),
                    "rng": rng.get_state(), "step": step, "tokens": tokens, "log": saved}, tmp)
        os.replace(tmp, args.state)  # one file, replaced: never a half-written checkpoint

    # Walk the phases from the start so a resumed run lands in the same phase at the same step.
    done = 0
    val_loss = bpb = None
    for steps, context, batch in phases:
        for phase_step in range(steps):
            if done < step:
                done += 1
                continue
            if (args.stop_after_minutes and (time.time() - start) / 60 >= args.stop_after_minutes) \
                    or (args.stop_at_step and step >= args.stop_at_step):
                save_state("stopped")
                print(f"stopped at step {step}/{total_steps}; continue with the same command", flush=True)
                sys.exit(STOPPED)
            chunk = batch_at(rng, train, context, batch, args.copy_share, args.bracket_share, bracket_tokens, args.bracket_depth,
                             args.bracket_close, args.bracket_span)
            for g in opt.param_groups:
                g["lr"] = lr_at(args, step, total_steps)
            logits = model(chunk[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, cfg.vocab), chunk[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            done += 1
            tokens += batch * context
            if step % 25 == 0:
                seconds = time.time() - start
                print(f"step {step}/{total_steps} ctx {context} loss {loss.item():.3f} "
                      f"{(tokens - start_tokens) / seconds:.0f} tok/s {elapsed_minutes():.1f} min", flush=True)
                log["curve"].append({"step": step, "loss": round(loss.item(), 4), "minutes": round(elapsed_minutes(), 2)})
            if next_score and (tokens >= next_score or step == total_steps):
                s = scores.score(model, heldout)
                s.update({"step": step, "tokens": tokens, "minutes": round(elapsed_minutes(), 2)})
                with open(os.path.join(args.out, "scores.jsonl"), "a") as f:
                    f.write(json.dumps(s) + "\n")
                print("scores " + json.dumps({k: s[k] for k in ("tokens", "heldout_bits_per_byte", "previous_token",
                                                                 "bracket", "induction", "induction_natural")}), flush=True)
                while next_score <= tokens:
                    next_score += args.score_every
            if step % args.export_every == 0 or step == total_steps:
                final = step == total_steps
                val_loss = scores.val_bits_per_byte(model, val, bytes_per_token, limit=None if final else 40)
                bpb, val_loss = val_loss, val_loss * math.log(2) * bytes_per_token
                print(f"eval step {step}: val loss {val_loss:.4f} nats/token, {bpb:.3f} bits/byte", flush=True)
                log["curve"].append({"step": step, "val_bits_per_byte": round(bpb, 4), "minutes": round(elapsed_minutes(), 2)})
                torch.save(model.state_dict(), os.path.join(args.out, "checkpoint.pt"))
                export(model, os.path.join(args.out, "model.onnx"))
                model.train()
                if not final:
                    save_state("periodic save")
    log["stretches"].append(stretch("finished"))
    log["train_minutes"] = round(elapsed_minutes(), 1)
    log["train_tokens"] = tokens
    log["val_loss_nats_per_token"] = round(val_loss, 4)
    log["val_bits_per_byte"] = round(bpb, 4)
    log["bytes_per_token"] = round(bytes_per_token, 4)
    with open(os.path.join(args.out, "train-log.json"), "w") as f:
        json.dump(log, f, indent=1)
    print("done", json.dumps({k: log[k] for k in ("train_minutes", "train_tokens", "val_bits_per_byte")}))


if __name__ == "__main__":
    main()
