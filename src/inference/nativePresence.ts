/**
 * Where onnxruntime-node would come from for a bundle, found without loading it: the extension
 * host asks this to decide whether `backend: auto` tries the native runtime (the worker then
 * loads it, and falls back to WASM with the reason if it does not load). Kept apart from
 * nativeEngine.ts so that the host's bundle does not pull in the runtime code.
 *
 * In order: `<bundle dir>/native/node_modules/onnxruntime-node` (a platform-specific VSIX, see
 * esbuild.mjs), then `onnxruntime-node` resolved from the bundle's folder (a development
 * checkout, or the CLI installed with npm).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The module specifiers tried, in order, for a bundle in `bundleDir`. */
export function nativeCandidates(bundleDir: string): string[] {
  return [join(bundleDir, 'native', 'node_modules', 'onnxruntime-node'), 'onnxruntime-node'];
}

/** The resolved paths of onnxruntime-node's entry for `bundleDir`, in the order to try them (may be empty). */
export function resolveNative(bundleDir: string): string[] {
  // createRequire, not require: the bundler must leave this lookup to run time.
  const requireFrom = createRequire(join(bundleDir, 'index.js'));
  const found: string[] = [];
  for (const candidate of nativeCandidates(bundleDir)) {
    try {
      found.push(requireFrom.resolve(candidate));
    } catch {
      // Not there: try the next.
    }
  }
  return found;
}
