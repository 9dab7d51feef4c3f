/**
 * onnxruntime-node for the tests that need it: it is an optional dependency, so a suite that
 * needs it skips, saying why, where it is absent or its binary does not load.
 */
import * as path from 'node:path';
import { loadNativeRuntime } from '../../src/inference/nativeEngine';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** For a `before` hook: skips the suite, printing the reason, when onnxruntime-node does not load here. */
export function skipWithoutNative(context: Mocha.Context): void {
  const native = loadNativeRuntime(REPO_ROOT);
  if ('reason' in native) {
    console.log(`      skipped: ${native.reason}`);
    context.skip();
  }
}
