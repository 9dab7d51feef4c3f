/**
 * Bundles what the benchmarks run, with the same esbuild options esbuild.mjs uses for the
 * extension's Node bundles, into bench/.cache/build/ — never into dist/, which other builds
 * empty and rewrite while a benchmark may be running.
 */
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { buildDir, repoRoot } from './paths';

const nodeShared: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

let built: Promise<void> | undefined;

/** extension worker (src/inference/worker.ts), the view worker, the raw ort-web bench worker, the panel webview. */
export function buildBundles(): Promise<void> {
  built ??= Promise.all([
    esbuild.build({ ...nodeShared, entryPoints: { worker: join(repoRoot, 'src/inference/worker.ts') }, outdir: buildDir }),
    esbuild.build({ ...nodeShared, entryPoints: { viewWorker: join(repoRoot, 'src/attention/viewWorker.ts') }, outdir: buildDir }),
    esbuild.build({ ...nodeShared, entryPoints: { ortWebWorker: join(repoRoot, 'bench/workers/ortWebWorker.ts') }, outdir: buildDir }),
    esbuild.build({
      bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning',
      entryPoints: { webview: join(repoRoot, 'webview/main.ts') }, outdir: buildDir,
    }),
  ]).then(() => undefined);
  return built;
}

export const extensionWorkerPath = join(buildDir, 'worker.js');
export const viewWorkerPath = join(buildDir, 'viewWorker.js');
export const ortWebWorkerPath = join(buildDir, 'ortWebWorker.js');
export const webviewBundlePath = join(buildDir, 'webview.js');
