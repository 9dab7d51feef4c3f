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
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { AttentionModel } from './attentionModel';
import { collectGarbage } from './collectGarbage';
import type { HeldBytes } from './heldBytes';
import { ensureNativeSession } from './nativeSession';
import { processFolder } from './processFolder';
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

type SessionOptions = Parameters<OrtNode['InferenceSession']['create']>[1];

/**
 * A session from a model's bytes, created from a temporary file where one can be written: from
 * bytes, onnxruntime-node parses the JavaScript buffer, which stays alive until the session
 * exists, so the load holds the model once more than from a file. Measured on the bench's
 * BERT-base-size model (437 MB) in the worker process: peak RSS during the load 1271 MB from bytes,
 * 884 MB from a file (BENCHMARKS.md, `large`). Where the temporary folder is itself in memory (a
 * tmpfs /tmp) the copy only moves there, for the length of the load.
 *
 * The folder is named after this process (processFolder.ts): removed once the session exists,
 * and, should the process be killed during the load, by the next load. Where no file can be
 * written (no room), the bytes are used; where onnxruntime cannot open the file (a path it cannot
 * read, e.g. characters its Windows build mishandles), the bytes are read back and used.
 * @throws onnxruntime's Error when neither the file nor the bytes load.
 */
async function sessionFromFile(ortNode: OrtNode, model: HeldBytes, options: SessionOptions): Promise<ort.InferenceSession> {
  // The file's path once written; until then the bytes (the only reference to them).
  let source: Uint8Array | string = model.take();
  let folder: string | undefined;
  try {
    folder = processFolder(tmpdir(), 'attention-lens-model-');
    const file = join(folder, 'model.onnx');
    writeFileSync(file, source);
    source = file;
  } catch {
    // Kept in memory: the session is made from the bytes.
  }
  try {
    if (typeof source !== 'string') return await ortNode.InferenceSession.create(source, options);
    // The bytes are garbage now: freed before onnxruntime reads its own copy.
    collectGarbage();
    try {
      return await ortNode.InferenceSession.create(source, options);
    } catch {
      // The same model from memory: a failure that is the model's own recurs and is thrown.
      return await ortNode.InferenceSession.create(readFileSync(source), options);
    }
  } finally {
    if (folder) {
      try {
        rmSync(folder, { recursive: true, force: true });
      } catch {
        // Still open elsewhere (Windows): the next load removes it (processFolder).
      }
    }
  }
}

function nativeRuntime(ortNode: OrtNode): SessionRuntime {
  // One onnxruntime-common for both packages (unbundled code only; see nativeSession.ts): only
  // then can onnxruntime-web answer for onnxruntime-node, and only then is each session checked.
  const sharedRegistry = (ortNode.InferenceSession as unknown) === (ort.InferenceSession as unknown);
  return {
    kind: 'native',
    Tensor: ortNode.Tensor,
    createSession: async (model, threads, externalData, tuning) => {
      const options: SessionOptions = {
        ...(tuning?.memoryArena === false ? { enableCpuMemArena: false } : {}),
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        // One graph, run one node at a time: more threads go to the kernels, not to parallel branches.
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // onnxruntime's CPU arena stays on: it keeps a run's largest buffers for the next run (with
        // BERT-base at 512 tokens the worker process stays at 1062 MB after the runs, 822 MB
        // without it), but without it those runs were 12% slower (BENCHMARKS.md).
      };
      // A model with external data is created from its bytes, its data handed over in memory
      // (onnxruntime-node 1.30 takes the `externalData` option as onnxruntime-web does).
      const session = externalData.length > 0 ? await ortNode.InferenceSession.create(model.take(), { ...options, externalData: [...externalData] }) : await sessionFromFile(ortNode, model, options);
      return sharedRegistry ? ensureNativeSession(session) : session;
    },
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
