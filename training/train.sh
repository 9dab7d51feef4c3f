#!/usr/bin/env bash
# Reproduces the bundled model from scratch: corpus -> tokenizer -> training -> ONNX export ->
# model report -> model card. Deterministic for the same seed, options and thread count (2).
#
#   npm run train-model                      the whole schedule from scratch, in one go
#   bash training/train.sh --continue        one stretch of the schedule from the committed
#                                            checkpoint training/resume.pt (started if absent),
#                                            STRETCH_MINUTES long (default 0: to the end)
# TRAIN_ARGS passes schedule options to train.py (python3 training/train.py --help); a
# checkpoint refuses to continue under other options. After a stretch that did not finish,
# commit training/resume.pt (one file, replaced each time) and run --continue again later.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3   # Debian's Python, where Debian's PyTorch lives
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} TRAIN_THREADS=${TRAIN_THREADS:-2}
# The shipped model's schedule (train.py's own defaults are the first bundled model's); TRAIN_ARGS
# replaces it.
SHIPPED_SCHEDULE="--tokens 50000000 --phases 0.69:128x16,0.31:512x4 --copy-share 0.25 --score-every 2000000"
read -r -a train_args <<< "${TRAIN_ARGS-$SHIPPED_SCHEDULE}"
# The second run (below): 6M tokens at 512 x 4, a bracket span without nesting in every window, on
# one thread (faster than two for this model, and the thread count the shipped weights had).
CONTINUED_SCHEDULE="--tokens 6000000 --phases 1:512x4 --lr 1e-3 --warmup 50 --copy-share 0.25 --bracket-share 1.0 --bracket-depth 1 --seed 4321 --score-every 1000000 --export-every 1000 --threads 1"
case "${1:-}" in
  "")
    # A fresh run keeps its resumable state in work/ (git-ignored), so a crash can be resumed by
    # hand with the same options, but it never reads the committed checkpoint.
    state=training/work/state.pt
    rm -f "$state"
    ;;
  --continue)
    state=training/resume.pt
    train_args+=(--stop-after-minutes "${STRETCH_MINUTES:-0}")
    ;;
  *) echo "usage: bash training/train.sh [--continue]" >&2; exit 1 ;;
esac
bash training/setup.sh
$PY training/corpus.py
node training/tokenizer.mjs
node training/encode.mjs
node training/heldout.mjs
mkdir -p training/work
status=0
$PY training/train.py --state "$state" "${train_args[@]}" | tee -a training/work/train.out || status=$?
if [ "$status" -eq 3 ]; then
  echo "Stretch done: commit $state and run 'bash training/train.sh --continue' again to go on." >&2
  exit 0
fi
[ "$status" -eq 0 ] || exit "$status"
# The shipped weights continue the schedule's for a short second run with bracket windows
# (training/ABLATIONS.md, "Shallow bracket windows"): a fresh optimizer, about 25 minutes, in one go.
continued=training/work/continued
rm -rf "$continued"
$PY training/train.py --init training/work/checkpoint.pt --out "$continued" ${CONTINUED_SCHEDULE} \
  | tee "$continued.out"
$PY training/export.py "$continued"
npm run --silent model:report | tee training/work/report.txt
$PY training/model_card.py --continued "$continued"
