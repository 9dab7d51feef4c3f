#!/usr/bin/env bash
# Ablations of training/ABLATIONS.md: the same token budget for every variant, head scores and
# bits per byte every 500k tokens (work/ablations/NAME/scores.jsonl). One job at a time, on one
# thread at the lowest priority, so it can share a busy machine:
#   bash training/ablations.sh NAME      (NAME: a variant below)
# Needs the encoded corpus (train.sh steps 2-4) and work/heldout.json (node training/heldout.mjs).
set -euo pipefail
cd "$(dirname "$0")"
export OPENBLAS_NUM_THREADS=1
TOKENS=${TOKENS:-2000000}
# The shipped curriculum's shares: 69% of tokens at 128 x batch 64, 31% at 512 x batch 16.
SHIPPED=0.69:128x64,0.31:512x16
case "$1" in
  baseline)   opts=(--phases $SHIPPED) ;;
  copy25)     opts=(--phases $SHIPPED --copy-share 0.25) ;;
  lr4e3)      opts=(--phases $SHIPPED --lr 4e-3 --warmup 40) ;;
  batch4x)    opts=(--phases 0.69:128x16,0.31:512x4) ;;
  batch4x-copy25) opts=(--phases 0.69:128x16,0.31:512x4 --copy-share 0.25) ;;
  batch4x-lr4e3)  opts=(--phases 0.69:128x16,0.31:512x4 --lr 4e-3 --warmup 40) ;;
  batch16x)   opts=(--phases 0.69:128x4,0.31:512x1) ;;
  # Not an equal-budget ablation: the trend of the likely long-run settings over 3x the tokens.
  long6m)     TOKENS=6000000; opts=(--phases 0.69:128x16,0.31:512x4 --copy-share 0.25) ;;
  untied)     opts=(--phases $SHIPPED --untied) ;;
  short-ctx)  opts=(--phases 0.4:64x128,0.3:128x64,0.3:512x16) ;;
  # Continuations of the finished model (resume.pt's weights, a fresh optimizer) over 3M tokens at
  # 512 x 4, re-warmed to 5e-4: bracket windows against none (ABLATIONS.md, "Bracket windows").
  cont-control)     TOKENS=3000000; opts=(--init resume.pt --phases 1:512x4 --lr 5e-4 --warmup 50 --copy-share 0.25) ;;
  cont-bracket15)   TOKENS=3000000; opts=(--init resume.pt --phases 1:512x4 --lr 5e-4 --warmup 50 --copy-share 0.25 --bracket-share 0.15) ;;
  cont-bracket50)   TOKENS=3000000; opts=(--init resume.pt --phases 1:512x4 --lr 5e-4 --warmup 50 --copy-share 0.25 --bracket-share 0.5) ;;
  cont-bracket50-lr1e3) TOKENS=3000000; opts=(--init resume.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 0.5) ;;
  # From scratch, a bracket span in every window: can this size learn the synthetic task at all?
  scratch-bracket100) TOKENS=3000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25 --bracket-share 1.0) ;;
  scratch-control)    TOKENS=3000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25) ;;
  scratch-bracket25)  TOKENS=3000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25 --bracket-share 0.25) ;;
  # The finished model with one near-uniform layer-0 head (L0H1, 6.4 bits) drawn afresh, over 3M
  # tokens at 512 x 4 re-warmed to 1e-3: with bracket windows and without (ABLATIONS.md, "A fresh head").
  fresh-bracket50) TOKENS=3000000; opts=(--init resume.pt --reinit-heads 0:1 --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 0.5) ;;
  fresh-control)   TOKENS=3000000; opts=(--init resume.pt --reinit-heads 0:1 --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25) ;;
  # From scratch over a 30M-token schedule at 512 x 4, stopped early (ABLATIONS.md, "Bracket windows
  # through a long run"); add --stop-at-step N to stop where the table stopped.
  long-bracket100)  TOKENS=30000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25 --bracket-share 1.0) ;;
  long-bracket50)   TOKENS=30000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25 --bracket-share 0.5) ;;
  long-bracket100-8heads) TOKENS=30000000; opts=(--phases 1:512x4 --lr 1e-3 --warmup 100 --copy-share 0.25 --bracket-share 1.0 --heads 8) ;;
  # Shallow bracket windows continuing the finished schedule's weights (work/checkpoint.pt as
  # train.sh leaves it), re-warmed to 1e-3 (ABLATIONS.md, "Shallow bracket windows").
  shallow-d2-b50)   TOKENS=3000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 0.5 --bracket-depth 2) ;;
  shallow-d2-b100)  TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 2) ;;
  shallow-d1-b100)  TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 1) ;;
  shallow-d1-b50)   TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 0.5 --bracket-depth 1) ;;
  shallow-d1-long)  TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 1 --bracket-close 0.25) ;;
  shallow-d2-long)  TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 2 --bracket-close 0.25) ;;
  shallow-d1-span100) TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 1 --bracket-span 1.0) ;;
  shallow-d1-b100-seed2) TOKENS=6000000; opts=(--init work/checkpoint.pt --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 1 --seed 4321) ;;
  *) echo "unknown variant '$1'" >&2; exit 1 ;;
esac
out=work/ablations/$1
rm -rf "$out"; mkdir -p "$out"
exec nice -n 19 /usr/bin/python3 train.py --tokens "$TOKENS" --threads 1 --score-every 500000 \
  --export-every 1000000 --out "$out" "${opts[@]}" "${@:2}"
