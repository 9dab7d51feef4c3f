"""Write media/model/MODEL_CARD.md from the training log, the corpus manifest and the model report,
and training/best-heads.json: the best head of each named pattern, which the end-to-end test
test/e2e/gallery.e2e.test.ts shows to take the card's gallery pictures.

Every number in the card is read from those files; nothing is typed in by hand.

    python3 training/model_card.py [--work DIR] [--out FILE] [--best-heads FILE]

--work holds train-log.json, tokens.json and report.txt (the output of `npm run model:report`,
its last line one JSON object); the defaults are training/work/, media/model/MODEL_CARD.md and
training/best-heads.json.
"""
import argparse
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
MODEL = os.path.join(ROOT, "media", "model", "model.onnx")
# Gallery pattern name -> key of the report's JSON line, and the project's target for the score.
PATTERNS = (("previous-token", "previous_token", 0.6), ("bracket", "bracket", 0.6), ("induction", "induction", 0.4))
TITLES = {"previous-token": "Previous-token head", "bracket": "Bracket-matching head", "induction": "Induction head"}
# What each screenshot shows, on which sample file and lines: shared with the end-to-end test.
GALLERY = os.path.join(HERE, "gallery.json")
SAMPLES = "test/fixtures/workspace"
VIEW_NAMES = {"matrix": "matrix view", "tokens": "token view"}


def read_json(path):
    with open(path) as f:
        return json.load(f)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=WORK, help="folder with train-log.json, tokens.json and report.txt")
    p.add_argument("--out", default=os.path.join(ROOT, "media", "model", "MODEL_CARD.md"), help="the card to write")
    p.add_argument("--continued", default="",
                   help="folder of a run continued from --work's weights (train.py --init): the shipped weights")
    p.add_argument("--best-heads", default=os.path.join(HERE, "best-heads.json"), help="the best heads to write")
    return p.parse_args(argv)


def duration(minutes):
    """Minutes under two hours, hours above: '98.3 minutes', '4.3 hours'."""
    return f"{minutes} minutes" if minutes < 120 else f"{minutes / 60:.1f} hours"


def trained_in(log):
    """How long, and in how many sittings: train.py's `stretches` records (until_step, minutes,
    minutes_total, end), absent from logs older than resumable training."""
    stretches = log.get("stretches") or []
    if len(stretches) <= 1:
        return f"Trained in {duration(log['train_minutes'])}"
    hours = stretches[-1]["minutes_total"] / 60
    return (f"Trained in {len(stretches)} stretches from one resumable checkpoint (`training/resume.pt`), "
            f"{hours:.1f} hours in all,")


def copy_sentence(log):
    """train.py --copy-share: windows with a span repeated later in them, which reward copying."""
    share = (log.get("options") or {}).get("copy_share", 0)
    if not share:
        return ""
    return (f" {share:.0%} of the training windows repeat a span of themselves later in the window (copy windows, "
            "which reward attending to the earlier copy: the signal that grows induction heads); the natural "
            "code of the held-out sample has no such windows.")


def bracket_sentence(log):
    """train.py --bracket-share: windows with a span of synthetic nested brackets."""
    options = log.get("options") or {}
    share = options.get("bracket_share", 0)
    if not share:
        return ""
    # train.py's defaults, which its log leaves out
    depth, span = options.get("bracket_depth", 8), options.get("bracket_span", 0.5)
    return (f" {share:.0%} of the training windows have a span of 32 tokens up to {span:.0%} of the window replaced by synthetic "
            f"brackets nested at most {depth} deep, where the token after each closer repeats the token before its opener (bracket "
            "windows: they reward a closer that attends to its opener). The bracket scores below are measured on the "
            "natural code of the held-out sample, which has no such spans.")


def continuation(log):
    """The paragraph on a run continued from the first one's weights (train.py --init)."""
    if not log:
        return ""
    o = log.get("options") or {}
    phases = ", ".join(f"{s} steps at {c} tokens x batch {b}" for s, c, b in log["phases"])
    return (f"\n\nThen continued from those weights with a fresh optimizer and seed {log['seed']}: {phases} "
            f"({log['train_tokens']:,} tokens), "
            f"the learning rate warmed up again over {o.get('warmup')} steps to {log['peak_lr']} and decayed to "
            f"{o.get('min_lr')}, on {log['threads']} thread{'s' if log['threads'] > 1 else ''}, in "
            f"{duration(log['train_minutes'])}.{copy_sentence(log)}{bracket_sentence(log)} How far the bracket head gets in "
            "this run depends on the seed (the data order) more than on any other setting measured: "
            "`training/ABLATIONS.md`, \"Shallow bracket windows\", has both seeds tried.")


def best_heads(report, model_sha):
    """{model, sha256, heads: {pattern: {layer, head, score}}} from the report's JSON line. The
    induction head also gets `naturalScore`, its score on the natural code of the held-out sample
    (its `score` is on synthetic repeats, a far easier text than the samples the gallery shows)."""
    heads = {name: {"layer": report[key]["layer"], "head": report[key]["head"], "score": report[key]["score"]}
             for name, key, _ in PATTERNS}
    natural = report.get("induction_natural")
    if natural:
        heads["induction"]["naturalScore"] = natural["score"]
    return {"model": "media/model/model.onnx", "sha256": model_sha, "heads": heads}


def gallery_section(report):
    """The card's gallery: per pattern the best head's screenshot (taken by test/e2e/gallery.e2e.test.ts
    into docs/images/), its layer, head and score, and what the picture shows where."""
    scenes = read_json(GALLERY)
    parts = ["""## Gallery
The best head of each pattern in the report above, as Attention Lens shows it on the sample files
of the test workspace (`test/fixtures/workspace/`). The end-to-end test `test/e2e/gallery.e2e.test.ts`
takes these screenshots for the heads in `training/best-heads.json`; below each, the Model view of
the same run sorted by that pattern's score ranks every head on the text shown.
"""]
    for name, key, target in PATTERNS:
        r, scene = report[key], scenes[name]
        first, last = scene["lines"]
        where = f"lines {first}–{last} of [`{scene['file']}`](../../{SAMPLES}/{scene['file']})"
        head = f"layer {r['layer']}, head {r['head']}"
        verdict = ("" if r["score"] >= target else
                   f" Its score is below the project's target of {target}.")
        parts.append(f"""### {TITLES[name]}: {head}, score {r['score']:.3f}
![{TITLES[name]}, {head}, in the {VIEW_NAMES[scene['view']]} on {scene['file']}](../../docs/images/gallery-{name}.png)

The {VIEW_NAMES[scene['view']]} of {head} on {where}. {scene['shows']}{verdict}

![The Model view sorted by {name} score on the same text](../../docs/images/gallery-model-{name}.png)
""")
    return "\n".join(parts)


def joined(names):
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# The best score each pattern reached in an earlier bundled model, where it beats this project's
# later ones: `npm run model:report` on the model shipped before the 50M-token schedule (11.9M
# tokens, no copy windows; training/ABLATIONS.md). A missed target names it, so the card says the
# best reached.
EARLIER_BEST = {"bracket": {"score": 0.479, "layer": 1, "head": 0,
                            "model": "the model shipped before this one (11.9M tokens of the earlier schedule, "
                                     "whose previous-token and induction heads were 0.106 and 0.006)"}}


# The best a missed target reached outside the shipped weights, in ablations (training/ABLATIONS.md,
# "Shallow bracket windows" and "Bracket windows from scratch"); printed only while it is missed.
ABLATION_BEST = {"bracket": "The same second run with seed 1234 ended at 0.557 (0.609 and 0.625 at 2M and 3M of its 6M "
                            "tokens). In a 3M-token ablation from scratch with a synthetic bracket span in every window, "
                            "a layer-0 head reached 0.618 (0.45 without those windows), but in a long run from scratch "
                            "that head was gone by 8M tokens (`training/ABLATIONS.md`)."}


def limitations(train_tokens, report):
    """Which patterns reached the project's targets, from the report, and which did not."""
    reached = [name for name, key, target in PATTERNS if report[key]["score"] >= target]
    missed = [name for name, key, target in PATTERNS if report[key]["score"] < target]
    said = []
    if reached:
        said.append(f"Clear {joined(reached)} heads formed (scores at or above the targets).")
    if missed:
        heads = "head stays below its target" if len(missed) == 1 else "heads stay below their targets"
        said.append(f"The best {joined(missed)} {heads} in {train_tokens:,} training "
                    "tokens; `training/ABLATIONS.md` says what was measured and what would reach it.")
    for name, key, target in PATTERNS:
        earlier = EARLIER_BEST.get(key)
        if earlier and report[key]["score"] < target and earlier["score"] > report[key]["score"]:
            said.append(f"The best {name} head reached so far is {earlier['score']:.3f} (layer {earlier['layer']}, "
                        f"head {earlier['head']}), in {earlier['model']}.")
        ablation = ABLATION_BEST.get(key)
        if ablation and report[key]["score"] < target:
            said.append(ablation)
    return " ".join(said)


def main(argv=None):
    args = parse_args(argv)
    log = read_json(os.path.join(args.work, "train-log.json"))
    continued = read_json(os.path.join(args.continued, "train-log.json")) if args.continued else None
    final = continued or log  # the log of the shipped weights
    total_minutes = round(log["train_minutes"] + (continued["train_minutes"] if continued else 0), 1)
    total_tokens = log["train_tokens"] + (continued["train_tokens"] if continued else 0)
    manifest_path = os.path.join(HERE, "corpus-manifest.json")
    manifest = read_json(manifest_path)
    tokens = read_json(os.path.join(args.work, "tokens.json"))
    report_lines = open(os.path.join(args.work, "report.txt")).read().rstrip().splitlines()
    report = json.loads(report_lines[-1])
    table = "\n".join(report_lines[:-1]).strip()
    model_sha = hashlib.sha256(open(MODEL, "rb").read()).hexdigest()
    manifest_sha = hashlib.sha256(open(manifest_path, "rb").read()).hexdigest()
    cfg = log["config"]
    files = manifest["files"]
    by_source = {}
    for f in files:
        entry = by_source.setdefault(f["source"], {"train": 0, "val": 0, "bytes": 0})
        entry[f["split"]] += 1
        entry["bytes"] += f["bytes"]
    phases = ", ".join(f"{s} steps at {c} tokens x batch {b}" for s, c, b in log["phases"])

    def best(name):
        r = report[name]
        return f"{r['score']:.3f} (layer {r['layer']}, head {r['head']})"

    # Induction on natural code too, where the report measures it.
    natural = f", induction on natural code {best('induction_natural')}" if "induction_natural" in report else ""

    card = f"""# Model card: attention-lens-code-4x4

The model bundled with Attention Lens. Generated by `training/model_card.py` from the training
log, the corpus manifest and `npm run model:report`; reproduce it with `npm run train-model`.

## Architecture
The textbook Transformer language model (the classic PyTorch word-language-model layout):
token embedding scaled by sqrt(d_model), sinusoidal positional encoding, {cfg['layers']} post-norm
encoder layers with multi-head self-attention written out as `softmax(Q K^T / sqrt(d_k) + causal mask) V`
and a ReLU feed-forward, then a linear decoder to the vocabulary tied to the embedding.

| | |
|---|---|
| layers x heads | {cfg['layers']} x {cfg['heads']} |
| d_model / d_k / d_ff | {cfg['d_model']} / {cfg['d_model'] // cfg['heads']} / {cfg['d_ff']} |
| context | {cfg['context']} tokens |
| vocabulary | {cfg['vocab']} (byte-level BPE) |
| parameters | {log['params']:,} |
| ONNX | opset 17, `model.onnx` sha256 `{model_sha[:16]}…` |
| weights | matrices stored as float16, each read through a Cast to float32 (half the download; the arithmetic is float32, on weights rounded once: every attention weight within 0.002 of the float32 weights on 512 random tokens, measured at export; one colour step of the heatmap is 0.004) |
| outputs | `logits`; per layer `attn_l` [1,H,T,T], `q_l`, `k_l`, `v_l`, `o_l` [1,H,T,d_k] |

## Training data
Source code shipped by packages, pinned in [`training/corpus-manifest.json`](../../training/corpus-manifest.json)
(sha256 `{manifest_sha[:16]}…`) with every file's hash and split. Held-out files are chosen by a hash
of their path ({manifest['val_percent']}% of files).

| source | train files | held-out files | bytes |
|---|---|---|---|
""" + "\n".join(f"| `{s}` | {v['train']} | {v['val']} | {v['bytes']:,} |" for s, v in by_source.items()) + f"""

Train split: {tokens['train']['bytes']:,} bytes, {tokens['train']['tokens']:,} tokens; held-out split:
{tokens['val']['bytes']:,} bytes, {tokens['val']['tokens']:,} tokens ({log['bytes_per_token']} bytes per token).

## Training
Causal language modelling, AdamW (betas 0.9/0.98, weight decay 0.05 on matrices), peak learning
rate {log['peak_lr']} with warm-up and cosine decay, gradient clipping at 1.0, seed {log['seed']},
{log['threads']} threads. Length curriculum: {phases} — {log['train_tokens']:,} tokens in all.{copy_sentence(log)}{bracket_sentence(log)}
{trained_in(log)} on {log['machine']} (PyTorch {log['torch']}, CPU only, shared
with other work, so the time is an upper bound).{continuation(continued)}

## Results
- Validation loss on the held-out split: {final['val_loss_nats_per_token']} nats/token =
  **{final['val_bits_per_byte']} bits per byte** (full held-out split, 512-token windows).
- `npm run model:report` on the shipped ONNX model with onnxruntime-web: {report['val_bits_per_byte']:.4f} bits
  per byte on the committed held-out sample.
- Best heads: previous-token {best('previous_token')}, bracket matching {best('bracket')},
  induction {best('induction')}{natural}.

## Head report
```
{table}
```

## Against the project's targets
| | target | reached |
|---|---|---|
| validation bits per byte | <= 1.3 | {final['val_bits_per_byte']} |
| best previous-token head | >= 0.6 | {report['previous_token']['score']:.3f} |
| best bracket head | >= 0.6 | {report['bracket']['score']:.3f} |
| best induction head | >= 0.4 | {report['induction']['score']:.3f} |

Scores are mean attention weights (previous-token, induction) or the fraction of closing
brackets whose strongest key is the opener (bracket), over full 512-token windows; chance levels
are in the report above. Heads score higher on short inputs: attention spreads as the context
grows.

{gallery_section(report)}
## Limitations
A small model trained for {duration(total_minutes)} on CPU only ({log['machine']}): it predicts code far worse than
large models, and its heads are far less crisp than theirs. {limitations(total_tokens, report)} It is here to
show real attention patterns of a real trained Transformer, not to generate code.
"""
    with open(args.out, "w") as f:
        f.write(card)
    with open(args.best_heads, "w") as f:
        json.dump(best_heads(report, model_sha), f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(args.out, ROOT)} and {os.path.relpath(args.best_heads, ROOT)}")


if __name__ == "__main__":
    main()
