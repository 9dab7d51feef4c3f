/**
 * A full garbage collection on the main thread of a process started with `--expose-gc` (the
 * worker process, see workerHandle.ts); nothing elsewhere. Worker threads are left alone even where
 * their process exposes `gc` (the bench runs with it), so that they behave as in the extension
 * host, which never does.
 *
 * Why a worker calls it: V8 frees a big ArrayBuffer only when it next collects, and a worker whose
 * own heap barely grows may not collect for a long time. Two moments matter: after a model's
 * bytes were parsed and cut (before onnxruntime allocates its own copy, which V8 does not see),
 * and after a large run was handed over. Each costs a few ms on the worker's small heap.
 */
import { isMainThread } from 'node:worker_threads';

const gc = isMainThread ? (globalThis as { gc?: () => void }).gc : undefined;

export function collectGarbage(): void {
  gc?.();
}
