/**
 * Turns a session's named output tensors into per-layer attention and q/k/v/o vectors. Shared by
 * both engines, so a run on WebGPU in the panel and a run on WASM in the worker are read the
 * same way. No onnxruntime and no ONNX parsing here (the extension host bundles it): tensors
 * are plain { dims, data }.
 */
import type { AttentionTensor } from './attentionShape';
import type { LayerVectors, OutputNames } from './runTypes';

export type { OutputNames, VectorOutputs } from './runTypes';

/** One output tensor, whoever computed it. */
export interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Every output name of `names`, in the order a run asks for them. */
export function fetchedOutputs(names: OutputNames): string[] {
  return [...names.attention, ...(names.vectors ?? []).flatMap((v) => [v.q, v.k, v.v, v.o])];
}

export class MissingOutputError extends Error {
  override readonly name = 'MissingOutputError';
}

/** Reads the tensors a run returned; throws MissingOutputError naming an output that is absent. */
export function decodeOutputs(
  names: OutputNames,
  results: Readonly<Record<string, OutputTensor | undefined>>,
): { attention: Float32Array[]; tensors: AttentionTensor[]; vectors: LayerVectors[] | undefined } {
  const get = (name: string): OutputTensor => {
    const tensor = results[name];
    if (!tensor) throw new MissingOutputError(`the run returned no output "${name}"`);
    return tensor;
  };
  const tensors = names.attention.map((name) => ({ name, type: get(name).type, dims: [...get(name).dims] }));
  const attention = names.attention.map((name) => get(name).data);
  const vectors = names.vectors?.map((v) => ({
    q: get(v.q).data,
    k: get(v.k).data,
    v: get(v.v).data,
    o: get(v.o).data,
    headDim: Number(get(v.q).dims[3]),
  }));
  return { attention, tensors, vectors };
}
