#!/usr/bin/env bash
# Reproduces the bundled model from scratch: corpus -> tokenizer -> training -> ONNX export ->
# model report -> model card. Deterministic for the same seed and thread count (2).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3   # Debian's Python, where Debian's PyTorch lives
export OPENBLAS_NUM_THREADS=2 TRAIN_THREADS=2
bash training/setup.sh
$PY training/corpus.py
node training/tokenizer.mjs
node training/encode.mjs
$PY training/train.py | tee training/work/train.out
$PY training/export.py
npm run --silent model:report | tee training/work/report.txt
$PY training/model_card.py
