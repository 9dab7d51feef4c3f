/**
 * The native engine: onnxruntime-node (MLAS kernels with AVX2 / AVX-512 / NEON) where the
 * platform has its binary, 3–6x faster than the WASM build on the same graph (BENCHMARKS.md).
 * It runs in the inference worker (worker.ts), never on the extension host's main thread:
 * onnxruntime-node's `session.run()` is a synchronous native call wrapped in a promise
 * (`setImmediate`), which there would stall every other extension for the whole run. The
 * extension starts that worker as a child process for a native model (inferenceClient.ts), since
 * a thread inside a native call can be neither terminated nor joined.
 *
 * Where it comes from, in order:
 * 1. `<bundle dir>/native/node_modules/onnxruntime-node`: a platform-specific VSIX carries the
 *    package's JavaScript and its own platform's binary there (esbuild.mjs, ATTENTION_LENS_NATIVE).
 * 2. `onnxruntime-node` resolved from the bundle's folder: a development checkout, or the CLI
 *    installed with npm (an optional dependency).
 * The universal VSIX and the web have neither: they run WASM, and the reason is reported in
 * `ModelInfo.runtimeFallback` for the host to log.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-web';
import { AttentionModel } from './attentionModel';
import { ModelLoadError } from './modelErrors';
import { resolveNative } from './nativePresence';
import type { SessionRuntime } from './sessionRuntime';
import type { ModelLocation } from './workerProtocol';

/** The subset of onnxruntime-node used here; its API is onnxruntime-common's, as onnxruntime-web's. */
type OrtNode = Pick<typeof ort, 'InferenceSession' | 'Tensor' | 'env'> & { listSupportedBackends?: () => { name: string }[] };

const loaded = new Map<string, SessionRuntime | { readonly reason: string }>();

/**
 * onnxruntime-node as a SessionRuntime, or why it cannot be had here. Loads its native binary
 * (a failed `dlopen` is reported, not thrown). Cached per `bundleDir`.
 * @param bundleDir the folder of the running bundle (dist/ in the extension, the CLI's folder).
 */
export function loadNativeRuntime(bundleDir: string): SessionRuntime | { readonly reason: string } {
  let result = loaded.get(bundleDir);
  if (!result) {
    result = tryLoad(bundleDir);
    loaded.set(bundleDir, result);
  }
  return result;
}

function tryLoad(bundleDir: string): SessionRuntime | { readonly reason: string } {
  // createRequire, not require: the bundler must leave this lookup to run time.
  const requireFrom = createRequire(join(bundleDir, 'index.js'));
  const failures: string[] = [];
  for (const path of resolveNative(bundleDir)) {
    try {
      const ortNode = requireFrom(path) as OrtNode;
      ortNode.env.logLevel = 'error';
      return nativeRuntime(ortNode);
    } catch (err) {
      // Present but unloadable: a binary for another platform, a missing shared library, an old glibc.
      failures.push(`${path}: ${firstLine(err)}`);
    }
  }
  if (failures.length > 0) return { reason: `onnxruntime-node did not load on ${process.platform}-${process.arch} (${failures.join('; ')})` };
  return {
    reason: `onnxruntime-node is not included for ${process.platform}-${process.arch} (the universal package carries WebAssembly only; platform packages carry the native runtime)`,
  };
}

function nativeRuntime(ortNode: OrtNode): SessionRuntime {
  return {
    kind: 'native',
    Tensor: ortNode.Tensor,
    // onnxruntime-node reads external data only from paths beside a model file, not from bytes: a
    // model that has some fails here with kind 'runtime', and loadAttentionModel runs it on WASM.
    createSession: (bytes, threads, externalData) =>
      ortNode.InferenceSession.create(bytes, {
        ...(externalData.length > 0 ? { externalData: [...externalData] } : {}),
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        // One graph, run one node at a time: more threads go to the kernels, not to parallel branches.
        interOpNumThreads: 1,
        executionMode: 'sequential',
      }),
    describe: (threads) => (threads > 1 ? `native (${threads} threads)` : 'native'),
  };
}

/**
 * Loads a model on the runtime `location` asks for. `runtime: 'native'` uses onnxruntime-node
 * when it loads and runs the model (its warm-up run included), and otherwise WASM with
 * `info.runtimeFallback` saying why; errors that are the model's own (a missing file, no
 * attention, a tokenizer mismatch) are thrown as from AttentionModel.load, since WASM would fail
 * the same way.
 * @throws ModelLoadError as AttentionModel.load does.
 */
export async function loadAttentionModel(location: ModelLocation, wasmDir: string, bundleDir: string): Promise<AttentionModel> {
  if (location.runtime !== 'native') return AttentionModel.load(location, wasmDir);
  const native = loadNativeRuntime(bundleDir);
  if ('reason' in native) return AttentionModel.load(location, wasmDir, undefined, native.reason);
  try {
    return await AttentionModel.load(location, wasmDir, native);
  } catch (err) {
    if (err instanceof ModelLoadError && err.kind !== 'runtime') throw err;
    return AttentionModel.load(location, wasmDir, undefined, `onnxruntime-node could not run the model: ${firstLine(err)}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
