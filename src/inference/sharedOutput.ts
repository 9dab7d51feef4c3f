/**
 * A run's tensors moved into SharedArrayBuffers before they leave the inference worker, so the
 * extension host and the view worker (src/attention/viewWorker.ts) read the same memory: handing
 * a run to the view worker then copies nothing on the host's thread. The copy is made here, in
 * the inference worker, once per run. Where SharedArrayBuffer is missing the output is returned
 * as it is (and transferred as before).
 */
import type { InferenceOutput, LayerVectors } from './runTypes';

/** A Float32Array over shared memory holding `data`'s values. */
function shared(data: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(data.byteLength));
  out.set(data);
  return out;
}

/** True when `data` already lives in shared memory. */
export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
}

/**
 * `output` with its attention ([head][query][key] per layer) and q/k/v/o vectors copied into
 * shared memory; the same object when SharedArrayBuffer is unavailable.
 */
export function shareOutput(output: InferenceOutput): InferenceOutput {
  if (typeof SharedArrayBuffer === 'undefined') return output;
  const vectors = output.vectors?.map((v): LayerVectors => ({ q: shared(v.q), k: shared(v.k), v: shared(v.v), o: shared(v.o), headDim: v.headDim }));
  return { ...output, attention: output.attention.map(shared), vectors };
}

/** The buffers of `output` a postMessage must transfer: the unshared ones (shared ones are passed by reference). */
export function transferables(output: InferenceOutput): ArrayBuffer[] {
  const views = [...output.attention, ...(output.vectors ?? []).flatMap((v) => [v.q, v.k, v.v, v.o])];
  return [...new Set(views.filter((v) => !isShared(v)).map((v) => v.buffer as ArrayBuffer))];
}
