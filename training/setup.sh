#!/usr/bin/env bash
# Installs what training needs from Debian (PyTorch, ONNX, NumPy, a threaded OpenBLAS).
set -euo pipefail
packages=(python3-torch python3-onnx python3-numpy libopenblas0-pthread libpython3.11-stdlib)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Training needs these Debian packages: ${missing[*]} (run as root or install them)." >&2
    exit 1
  fi
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}"
fi
