/** Where the benchmarks read and write. */
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const benchDir = join(repoRoot, 'bench');
export const cacheDir = join(benchDir, '.cache');
export const buildDir = join(cacheDir, 'build');
export const resultsDir = join(benchDir, 'results');
export const fixturesDir = join(benchDir, 'fixtures');
export const bundledModelDir = join(repoRoot, 'media', 'model');
export const bertModelDir = join(cacheDir, 'models', 'bert-base-random');
export const ortWasmDir = join(repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
export const python = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
