/**
 * onnxruntime-node, the native reference: the project's own (an optional dependency, the native
 * engine) when installed, else installed on demand into bench/.cache/ort-node/ (its own stub
 * package.json, so npm does not walk up into the project). ONNXRUNTIME_NODE_INSTALL=skip keeps
 * its postinstall from contacting a host other than the npm registry; the CPU backend ships in
 * the package itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheDir, repoRoot } from './paths';

export const ORT_NODE_VERSION = '1.30.0';
const installDir = join(cacheDir, 'ort-node');

export type OrtNode = typeof import('onnxruntime-web');

/** The loaded module, or a note saying why it is unavailable. */
export function loadOrtNode(): { ort: OrtNode } | { note: string } {
  try {
    return { ort: createRequire(join(repoRoot, 'package.json'))('onnxruntime-node') as OrtNode };
  } catch {
    // Not installed with the project (npm install --omit=optional): fetch the reference copy.
  }
  const entry = join(installDir, 'node_modules', 'onnxruntime-node', 'package.json');
  if (!existsSync(entry)) {
    mkdirSync(installDir, { recursive: true });
    writeFileSync(
      join(installDir, 'package.json'),
      JSON.stringify({ name: 'attention-lens-bench-ort-node', private: true, description: 'benchmark reference runtime' }, null, 2) + '\n',
    );
    console.error(`installing onnxruntime-node@${ORT_NODE_VERSION} into ${installDir} (once)…`);
    const result = spawnSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', `onnxruntime-node@${ORT_NODE_VERSION}`],
      { cwd: installDir, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_unsafe_perm: 'true' }, encoding: 'utf8', timeout: 600_000 },
    );
    if (result.status !== 0 || !existsSync(entry)) {
      return { note: `onnxruntime-node could not be installed (npm exit ${result.status}): ${(result.stderr || result.error?.message || '').trim().split('\n').slice(-3).join(' ')}` };
    }
  }
  try {
    const require = createRequire(join(installDir, 'package.json'));
    return { ort: require('onnxruntime-node') as OrtNode };
  } catch (err) {
    return { note: `onnxruntime-node is installed but does not load: ${(err as Error).message}` };
  }
}
