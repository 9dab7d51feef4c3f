/**
 * The model as a session runs it: the file's graph with attention exposed (modelGraph.ts) and
 * cut to the outputs the views fetch (pruneToViews). Made so that the big byte arrays on the way
 * are garbage as soon as the next one exists: a model load used to hold the file's bytes, the
 * copy with exposed attention and the cut copy all at once, and keep the cut copy for the model's
 * whole life — for a BERT-base file (440 MB) that was three copies at the load's peak beside
 * onnxruntime's own, and one for ever after (BENCHMARKS.md, `large`).
 */
import { inspectModelGraph, NAMED_ATTENTION_OUTPUT, pruneToViews, type ModelGraph } from './modelGraph';
import type { OutputNames, VectorOutputs } from './outputDecoding';
import { HeldBytes } from './heldBytes';

export { HeldBytes } from './heldBytes';

/** q_l/k_l/v_l/o_l beside each attn_l (as the bundled model exports them), or undefined. */
export function findVectorOutputs(attention: readonly string[], names: readonly string[]): VectorOutputs[] | undefined {
  const available = new Set(names);
  const layers = attention.map((name) => {
    const layer = NAMED_ATTENTION_OUTPUT.exec(name)?.[1];
    const set = { q: `q_${layer}`, k: `k_${layer}`, v: `v_${layer}`, o: `o_${layer}` };
    return Object.values(set).every((n) => available.has(n)) ? set : undefined;
  });
  return layers.every((l) => l !== undefined) ? (layers as VectorOutputs[]) : undefined;
}

/** What a load needs of the graph once its bytes are held apart. */
export type GraphFacts = Omit<ModelGraph, 'modelBytes'>;

export interface ViewGraph {
  readonly graph: GraphFacts;
  /** The cut model, for onnxruntime: take() it into the session. */
  readonly bytes: HeldBytes;
  /** Attention per layer, and q/k/v/o per layer when the model exports all four for every layer. */
  readonly outputs: OutputNames;
  /** Bytes the model occupies in full (before the cut, bfloat16 converted): what readExternalData
   *  counts against the heap beside the external files. */
  readonly loadedBytes: number;
}

/**
 * Exposes the attention of the model file's bytes and cuts the graph to what the views fetch.
 * `fileBytes` must not be used after the call (the caller passes its only reference): neither it
 * nor the exposed copy is referenced once this returns.
 * @param file the model's path, for messages.
 * @throws ModelLoadError as inspectModelGraph and pruneToViews do.
 */
export function viewGraph(fileBytes: Uint8Array, file: string): ViewGraph {
  const { modelBytes, ...graph } = inspectModelGraph(fileBytes, file);
  const attention = [...graph.attention];
  const outputs: OutputNames = { attention, vectors: findVectorOutputs(attention, graph.outputs) };
  // A bfloat16 model is loaded converted to float32 (modelBytes and upcastData): that size is what
  // the heap holds.
  const loadedBytes = modelBytes.length + (graph.upcastData?.data.length ?? 0);
  // Only what the views show is computed: the LM head and anything else no output needs is cut.
  return { graph, bytes: new HeldBytes(pruneToViews(modelBytes, outputs, file)), outputs, loadedBytes };
}
