/**
 * A full garbage collection where the process allows one (`--expose-gc`: the worker process, see
 * workerHandle.ts); nothing elsewhere (worker threads, the CLI's tests).
 *
 * Why a worker calls it: V8 frees a big ArrayBuffer only when it next collects, and a worker whose
 * own heap barely grows may not collect for a long time. Two moments matter: after a model's
 * bytes were parsed and cut (before onnxruntime allocates its own copy, which V8 does not see),
 * and after a large run was handed over. Each costs a few ms on the worker's small heap.
 */
const gc = (globalThis as { gc?: () => void }).gc;

export function collectGarbage(): void {
  gc?.();
}
