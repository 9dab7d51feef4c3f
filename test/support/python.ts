/**
 * The Python the tests run: ATTENTION_LENS_PYTHON, else Debian's /usr/bin/python3 (where
 * python3-numpy and python3-torch install), else python3 on PATH.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = process.env['ATTENTION_LENS_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/** Why the Python tests cannot run here (no interpreter, no numpy), or undefined when they can. */
export function pythonUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message}); install python3 and python3-numpy`;
  if (probe.status !== 0) return `${PYTHON} has no numpy; install python3-numpy (Debian) or pip install numpy`;
  return undefined;
}

/** Runs Python with the repository's python/ folder importable, one thread for numpy and torch. */
export function runPython(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: 'python', PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    timeout: 120_000,
  });
}
