// One build script, separate bundles: the extension host (Node, CJS, `vscode` external), the
// inference worker (worker_threads), the webview (browser), the integration suite, and the CLI.
// Only the onnxruntime-web files the Node entry loads are copied next to the bundles.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = 'dist';

// The Node bundles are CJS; onnxruntime-web reads import.meta.url to find its wasm.
const nodeShared = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
  { ...nodeShared, entryPoints: { extension: 'src/extension.ts' }, outdir: dist, external: ['vscode'] },
  { ...nodeShared, entryPoints: { worker: 'src/inference/worker.ts' }, outdir: dist },
  {
    ...nodeShared,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: dist,
    banner: { js: `#!/usr/bin/env node\n${nodeShared.banner.js}` },
  },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    minify: production, logLevel: 'warning', entryPoints: { webview: 'webview/main.ts', side: 'webview/side.ts', report: 'webview/reportHost.ts' }, outdir: dist,
  },
  {
    ...nodeShared, entryPoints: { 'test/integration/index': 'test/integration/index.ts' }, outdir: 'out',
    external: ['vscode', 'mocha'],
  },
];

const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

function copyRuntimeFiles() {
  mkdirSync(join(dist, 'ort'), { recursive: true });
  for (const file of ORT_FILES) {
    copyFileSync(join('node_modules', 'onnxruntime-web', 'dist', file), join(dist, 'ort', file));
  }
}

rmSync(dist, { recursive: true, force: true });
copyRuntimeFiles();
if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
