// One build script, separate bundles: the extension host (Node, CJS, `vscode` external), the
// inference worker and the view worker (worker_threads), the webviews (browser), the panel's WebGPU runner (browser),
// the integration suite, and the CLI.
// Only the onnxruntime-web files the Node entry and the WebGPU engine load are copied next to the bundles.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
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
  // The view worker: answers the views' data requests and writes JSON exports off the host's thread.
  { ...nodeShared, entryPoints: { viewWorker: 'src/attention/viewWorker.ts' }, outdir: dist },
  {
    ...nodeShared,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: dist,
    banner: { js: `#!/usr/bin/env node\n${nodeShared.banner.js}` },
  },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production,
    minify: production, logLevel: 'warning', entryPoints: { webview: 'webview/main.ts', side: 'webview/side.ts', report: 'webview/reportHost.ts', cross: 'webview/cross/main.ts' }, outdir: dist,
  },
  // The notebook renderer: an ES module VS Code loads into notebook webviews, the panel's
  // stylesheet bundled in as text (a notebook output may load nothing from the network).
  {
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', sourcemap: !production,
    minify: production, logLevel: 'warning', entryPoints: { renderer: 'webview/notebook/renderer.ts' }, outdir: dist,
    loader: { '.css': 'text' },
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

// A platform-specific package (ATTENTION_LENS_NATIVE=linux-x64, set by scripts/packageTarget.mjs)
// carries onnxruntime-node for that platform in dist/native/node_modules, where the worker looks
// first (src/inference/nativeEngine.ts): the package's JavaScript, onnxruntime-common's CommonJS
// build, and one platform's binaries. The universal package and development builds carry none
// (a development checkout resolves onnxruntime-node from node_modules).
const NATIVE_PLATFORMS = { 'linux-x64': 'linux/x64', 'linux-arm64': 'linux/arm64', 'win32-x64': 'win32/x64', 'win32-arm64': 'win32/arm64', 'darwin-arm64': 'darwin/arm64' };

function copyNativeRuntime(target) {
  const platform = NATIVE_PLATFORMS[target];
  if (!platform) {
    throw new Error(`ATTENTION_LENS_NATIVE=${target}: onnxruntime-node ships binaries for ${Object.keys(NATIVE_PLATFORMS).join(', ')} only`);
  }
  const from = join('node_modules', 'onnxruntime-node');
  if (!existsSync(from)) throw new Error('onnxruntime-node is not installed (npm install; it is an optional dependency)');
  const to = join(dist, 'native', 'node_modules');
  const onlyJs = (src) => !/\.(map|d\.ts|ts)$/.test(src);
  copyFileSync(join(from, 'package.json'), mkdirAndJoin(to, 'onnxruntime-node', 'package.json'));
  cpSync(join(from, 'dist'), join(to, 'onnxruntime-node', 'dist'), { recursive: true, filter: onlyJs });
  cpSync(join(from, 'bin', 'napi-v6', platform), join(to, 'onnxruntime-node', 'bin', 'napi-v6', platform), { recursive: true });
  const common = join('node_modules', 'onnxruntime-common');
  copyFileSync(join(common, 'package.json'), mkdirAndJoin(to, 'onnxruntime-common', 'package.json'));
  cpSync(join(common, 'dist', 'cjs'), join(to, 'onnxruntime-common', 'dist', 'cjs'), { recursive: true, filter: onlyJs });
}

function mkdirAndJoin(...parts) {
  mkdirSync(join(...parts.slice(0, -1)), { recursive: true });
  return join(...parts);
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
if (process.env.ATTENTION_LENS_NATIVE) copyNativeRuntime(process.env.ATTENTION_LENS_NATIVE);
if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context({ ...options, logLevel: 'silent', plugins: [watchStatus()] })));
  pending = contexts.length;
  console.log('[watch] build started');
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
