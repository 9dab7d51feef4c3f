/**
 * The part of an onnxruntime JavaScript package a model needs: create a session from bytes, make
 * input tensors. onnxruntime-web (WASM) and onnxruntime-node (native) expose the same API
 * (onnxruntime-common), so AttentionModel runs on either; see nativeEngine.ts for how one is chosen.
 */
import type * as ort from 'onnxruntime-web';
import type { HeldBytes } from './heldBytes';

/** One external data file: its path as the model's `location` names it, and its bytes. */
export interface ExternalDataFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** Session settings beyond the runtime's defaults. */
export interface SessionTuning {
  /** false: no CPU memory arena, so a run's buffers are freed when it ends (layeredSession.ts). */
  readonly memoryArena?: boolean;
}

export interface SessionRuntime {
  /** 'wasm': onnxruntime-web's WebAssembly build; 'native': onnxruntime-node's CPU kernels. */
  readonly kind: 'wasm' | 'native';
  /** The package's Tensor class: a session accepts only its own runtime's tensors. */
  readonly Tensor: typeof ort.Tensor;
  /**
   * Creates a session on `threads` intra-op threads, with the weights kept in external data files
   * given as bytes (`path` as the model names it). Takes the model's bytes from `model` (so that
   * nothing else keeps them alive while onnxruntime builds its own copy).
   * @throws onnxruntime's Error as is; on the native runtime also the Error of
   *   ensureNativeSession (nativeSession.ts) when onnxruntime-web made the session.
   */
  createSession(model: HeldBytes, threads: number, externalData: readonly ExternalDataFile[], options?: SessionTuning): Promise<ort.InferenceSession>;
  /** What the status bar and summaries call this runtime, e.g. `native (2 threads)`. */
  describe(threads: number): string;
}
