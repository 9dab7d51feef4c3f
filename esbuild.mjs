// One build script, separate bundles: the extension host (Node, CJS, `vscode` external), the
// inference worker (worker_threads), the webviews (browser), the panel's WebGPU runner (browser),
// the integration suite, and the CLI.
// Only the onnxruntime-web files the Node entry and the WebGPU engine load are copied next to the bundles.
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
  // onnxruntime's WebGPU build, for the panel, in a bundle of its own: the panel loads it only
  // when a run asks for WebGPU. Its wasm binary comes from the host as bytes (see
  // webview/webgpu/runner.ts), so the import.meta.url it would fetch from is never used.
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    minify: production, logLevel: 'warning', entryPoints: { webgpu: 'webview/webgpu/runner.ts' }, outdir: dist,
    define: { 'import.meta.url': 'webgpuScriptUrl' },
    banner: { js: 'var webgpuScriptUrl = document.currentScript && document.currentScript.src || location.href;' },
  },
  {
    ...nodeShared, entryPoints: { 'test/integration/index': 'test/integration/index.ts' }, outdir: 'out',
    external: ['vscode', 'mocha'],
  },
];

// The plain build for the worker; the asyncify build is the WebGPU one the host sends to the panel.
const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

function copyRuntimeFiles() {
  mkdirSync(join(dist, 'ort'), { recursive: true });
  for (const file of ORT_FILES) {
    copyFileSync(join('node_modules', 'onnxruntime-web', 'dist', file), join(dist, 'ort', file));
  }
}

// Watch mode prints one "[watch] build started" ... "[watch] build finished" pair per round of
// rebuilds, however many of the bundles a change touches, and each error or warning on one line:
// the background problem matcher in .vscode/tasks.json reads both, so a launch that waits for the
// watch task starts only once every bundle is written.
let pending = 0;

function report(kind, message) {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  console.log(`[watch] ${kind}: ${where}${message.text}`);
}

function watchStatus() {
  let first = true; // the initial build is counted before watching starts
  return {
    name: 'watch-status',
    setup(build) {
      build.onStart(() => {
        if (first) first = false;
        else if (pending++ === 0) console.log('[watch] build started');
      });
      build.onEnd((result) => {
        for (const message of result.errors) report('error', message);
        for (const message of result.warnings) report('warning', message);
        if (--pending === 0) console.log('[watch] build finished');
      });
    },
  };
}

rmSync(dist, { recursive: true, force: true });
copyRuntimeFiles();
if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context({ ...options, logLevel: 'silent', plugins: [watchStatus()] })));
  pending = contexts.length;
  console.log('[watch] build started');
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
