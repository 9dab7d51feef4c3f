// Builds a platform-specific VSIX that carries onnxruntime-node's native runtime for that
// platform (see esbuild.mjs, ATTENTION_LENS_NATIVE): `node scripts/packageTarget.mjs linux-x64`.
// With no argument, every platform onnxruntime-node ships binaries for. The universal package
// (`npm run package`) carries WebAssembly only.
import { spawnSync } from 'node:child_process';

const TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-arm64'];
const requested = process.argv.slice(2);
const targets = requested.length > 0 ? requested : TARGETS;
for (const target of targets) {
  if (!TARGETS.includes(target)) {
    console.error(`unknown target ${target}: onnxruntime-node ships binaries for ${TARGETS.join(', ')}`);
    process.exit(2);
  }
  const out = `attention-lens-${target}.vsix`;
  const result = spawnSync(
    process.platform === 'win32' ? 'npx.cmd' : 'npx',
    ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--target', target, '--out', out],
    // vsce runs vscode:prepublish (esbuild.mjs --production), which reads this.
    { stdio: 'inherit', env: { ...process.env, ATTENTION_LENS_NATIVE: target } },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
