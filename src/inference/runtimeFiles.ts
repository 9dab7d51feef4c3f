/**
 * The onnxruntime WebAssembly files the worker loads from dist/ort. A missing or damaged file
 * otherwise surfaces as onnxruntime's "no available backend found", blamed on the model; this
 * names the file and says what to do. onnxruntime also remembers a failed start for the life of
 * its thread, which is why the client starts a fresh worker after a failed load.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** The files esbuild.mjs copies next to the bundles. */
export const RUNTIME_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;

export class RuntimeFilesError extends Error {
  override readonly name = 'RuntimeFilesError';
}

const REINSTALL = 'Reinstall Attention Lens (or run `npm run build` in its folder) to restore it.';

/** Throws RuntimeFilesError naming the first runtime file `wasmDir` lacks. */
export async function checkRuntimeFiles(wasmDir: string): Promise<void> {
  for (const name of RUNTIME_FILES) {
    const path = join(wasmDir, name);
    const present = await access(path).then(
      () => true,
      () => false,
    );
    if (!present) throw new RuntimeFilesError(`The WebAssembly runtime file ${path} does not exist. ${REINSTALL}`);
  }
}

/** onnxruntime's message when its WebAssembly could not start, reworded to name the runtime files. */
export function explainRuntimeFailure(message: string, wasmDir: string): string {
  if (!/no available backend found/i.test(message)) return message;
  return `The WebAssembly runtime in ${wasmDir} (${RUNTIME_FILES.join(', ')}) could not be started: it may be damaged. ${REINSTALL} (${message})`;
}
