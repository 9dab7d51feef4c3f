/**
 * The benchmark's reference runtimes, brought on demand so a fresh machine measures them too:
 * PyTorch from Debian (python3-torch with OpenBLAS, installed as root the way scripts/setup.mjs
 * installs Chromium) and onnxruntime-node (bench/lib/ortNode.ts). A peer that cannot be had is
 * reported with the reason (latest.json: `peers`, and the ratio keys that need it are null).
 */
import { spawnSync } from 'node:child_process';
import { python } from './paths';

/** Debian packages bench/torch_forward.py and make_bert_model.py import (OpenBLAS: without it torch uses reference BLAS, 10x slower). */
const TORCH_PACKAGES = ['python3-torch', 'python3-onnx', 'python3-numpy', 'libopenblas0-pthread'];

export interface PeerStatus {
  readonly available: boolean;
  readonly version?: string;
  /** Why it is not available (or how it was obtained). */
  readonly note?: string;
}

function torchVersion(): string | undefined {
  const result = spawnSync(python, ['-c', 'import torch, onnx, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function openBlasInstalled(): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** PyTorch for `python` (BENCH_PYTHON, default /usr/bin/python3), installing Debian's when missing and allowed. */
export function ensureTorch(): PeerStatus {
  const present = torchVersion();
  if (present && (openBlasInstalled() || spawnSync('dpkg-query', ['--version']).error)) return { available: true, version: present };
  if (spawnSync('dpkg-query', ['--version']).error) {
    return { available: false, note: `PyTorch is not importable by ${python} and this is not a Debian system: install torch, onnx and numpy for it (or set BENCH_PYTHON)` };
  }
  if (process.getuid?.() !== 0) {
    return { available: false, note: `PyTorch is missing; as root run: apt-get install -y --no-install-recommends ${TORCH_PACKAGES.join(' ')}` };
  }
  console.error(`installing ${TORCH_PACKAGES.join(' ')} (Debian; once)…`);
  // A held dpkg lock (another install running) makes apt wait, not fail.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=900', ...args], { env, encoding: 'utf8', timeout: 1_800_000 });
  let result = apt(['install', '-y', '--no-install-recommends', ...TORCH_PACKAGES]);
  if (result.status !== 0) {
    apt(['update']);
    result = apt(['install', '-y', '--no-install-recommends', ...TORCH_PACKAGES]);
  }
  const version = torchVersion();
  if (version) return { available: true, version, note: `installed from Debian (${TORCH_PACKAGES.join(', ')})` };
  return { available: false, note: `apt-get could not install ${TORCH_PACKAGES.join(' ')}: ${(result.stderr || result.error?.message || '').trim().split('\n').slice(-2).join(' ')}` };
}
