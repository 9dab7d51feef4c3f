"""Print the ablation results (work/ablations/*/) as the Markdown tables of ABLATIONS.md.

  python3 training/ablation_table.py [NAME ...]     (default: every finished variant, by time)

Final table: one row per finished variant at its full token budget. Curve table: the best score of each
kind every 500k tokens, to compare variants at equal tokens before the end of their schedules.
"""
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(HERE, "work", "ablations")


def load(name):
    folder = os.path.join(RUNS, name)
    log_file = os.path.join(folder, "train-log.json")
    scores_file = os.path.join(folder, "scores.jsonl")
    if not os.path.exists(scores_file):
        return None
    with open(scores_file) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if not rows:
        return None
    log = None  # a run still going (or stopped) has scores but no log yet
    if os.path.exists(log_file):
        with open(log_file) as f:
            log = json.load(f)
    return {"name": name, "log": log, "scores": rows, "mtime": os.path.getmtime(log_file if log else scores_file)}


def best(row, key):
    return f"{row[key]['score']:.3f} (L{row[key]['layer']}H{row[key]['head']})"


def main():
    names = sys.argv[1:] or [os.path.basename(p) for p in glob.glob(os.path.join(RUNS, "*"))]
    runs = sorted(filter(None, (load(n) for n in names)), key=lambda r: r["mtime"])
    print("| variant | tokens | steps | wall (min) | tokens/s | previous-token | bracket | induction (repeats) "
          "| induction (held-out code) | layer-0 entropy (bits) | held-out sample bits/byte | val bits/byte |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        log, last = r["log"], r["scores"][-1]
        if log is None:
            continue  # unfinished: only in the curve table
        steps = sum(p[0] for p in log["phases"])
        print(f"| {r['name']} | {log['train_tokens']:,} | {steps} | {log['train_minutes']} "
              f"| {log['train_tokens'] / (log['train_minutes'] * 60):.0f} | {best(last, 'previous_token')} "
              f"| {best(last, 'bracket')} | {best(last, 'induction')} | {best(last, 'induction_natural')} "
              f"| {last['layer0_entropy_bits']} | {last['heldout_bits_per_byte']:.3f} | {log['val_bits_per_byte']:.3f} |")
    print()
    print("| variant | tokens | steps | previous-token | bracket | induction (repeats) | induction (held-out code) | held-out sample bits/byte |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        for row in r["scores"]:
            print(f"| {r['name']} | {row['tokens']:,} | {row['step']} | {row['previous_token']['score']:.3f} | {row['bracket']['score']:.3f} "
                  f"| {row['induction']['score']:.3f} | {row['induction_natural']['score']:.3f} "
                  f"| {row['heldout_bits_per_byte']:.3f} |")


if __name__ == "__main__":
    main()
