/**
 * Shrinks a model's graph, in memory, to the outputs a caller fetches and the nodes they depend
 * on. Asking onnxruntime for fewer outputs does not stop it computing the others (it runs every
 * node of the graph); removing them from the graph does. For a language model whose views show
 * attention only, the vocabulary projection (the LM head: a [T, d] × [d, vocab] MatMul) is a
 * third of the bundled model's work and goes away.
 *
 * Works on the protobuf wire format (https://protobuf.dev/programming-guides/encoding/), not on
 * a decode/re-encode: every field of the model and of the graph is copied byte for byte, except
 * nodes, outputs, initializers and value_info entries nothing kept refers to. Fields this reader
 * does not know survive unchanged. All ModelProto.graph fields (exposeAttention.ts appends a
 * second one) are merged into one, as protobuf itself merges them: repeated fields concatenated
 * in order, the last singular value winning. The input bytes are never modified.
 */
import { assembleModel, fieldBytes, GRAPH, readString, readWireGraph, TENSOR_NAME, VALUE_INFO_NAME, type Field } from './graphWire';

/** Why a graph could not be pruned to the outputs asked for. */
export class PruneGraphError extends Error {
  override readonly name = 'PruneGraphError';
}

export interface PrunedGraph {
  /** The model with only the kept outputs and what they need. */
  readonly modelBytes: Uint8Array;
  /** Nodes in the graph before and after pruning. */
  readonly nodesBefore: number;
  readonly nodesAfter: number;
  /** Graph outputs removed, in file order (e.g. `logits`). */
  readonly removedOutputs: readonly string[];
  /** Initializers removed because no kept node reads them. */
  readonly removedInitializers: number;
}

/**
 * Keeps the graph outputs named in `keep` and the nodes, initializers and value_info they depend
 * on, looking into subgraphs (If, Loop, Scan bodies) for the outer tensors they read. Graph
 * inputs are kept as they are, so the same feeds work.
 * @param modelBytes ONNX ModelProto bytes (with any appended graph fields).
 * @param keep tensor names to keep as graph outputs; each must be produced by a node, or be a
 *   graph input or initializer.
 * @throws PruneGraphError when a name in `keep` is produced by nothing in the graph.
 * @throws RangeError (from protobufjs) for bytes that are not valid protobuf.
 */
export function pruneGraph(modelBytes: Uint8Array, keep: readonly string[]): PrunedGraph {
  const wire = readWireGraph(modelBytes);
  if (!wire) throw new PruneGraphError('The model has no graph.');
  const { fields: graphFields, nodes } = wire;
  const wanted = new Set(keep);
  // Walk back from the kept outputs: ONNX requires nodes in topological order, so one reverse
  // pass reaches every producer.
  const needed = new Set(keep);
  const keptNodes = new Set<Field>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!node.outputs.some((o) => needed.has(o))) continue;
    keptNodes.add(node.field);
    for (const name of node.reads) if (name !== '') needed.add(name);
  }
  const produced = new Set(nodes.filter((n) => keptNodes.has(n.field)).flatMap((n) => n.outputs));

  const nameOf = (field: Field, nameField: number): string => readString(modelBytes, field, nameField);
  const available = new Set([
    ...produced,
    ...graphFields.filter((f) => f.number === GRAPH.initializer).map((f) => nameOf(f, TENSOR_NAME)),
    ...graphFields.filter((f) => f.number === GRAPH.input).map((f) => nameOf(f, VALUE_INFO_NAME)),
  ]);
  const missing = keep.filter((name) => !available.has(name));
  if (missing.length > 0) throw new PruneGraphError(`No node, input or initializer produces ${missing.map((m) => `"${m}"`).join(', ')}.`);

  const removedOutputs: string[] = [];
  let removedInitializers = 0;
  const kept = graphFields.filter((field) => {
    switch (field.number) {
      case GRAPH.node:
        return keptNodes.has(field);
      case GRAPH.output: {
        const name = nameOf(field, VALUE_INFO_NAME);
        if (wanted.has(name)) return true;
        removedOutputs.push(name);
        return false;
      }
      case GRAPH.initializer: {
        const used = needed.has(nameOf(field, TENSOR_NAME));
        if (!used) removedInitializers++;
        return used;
      }
      case GRAPH.valueInfo: {
        const name = nameOf(field, VALUE_INFO_NAME);
        return needed.has(name) || produced.has(name);
      }
      default:
        return true;
    }
  });
  // Outputs declared twice (once in the file, once appended) are kept once.
  const seenOutputs = new Set<string>();
  const graph = kept.filter((field) => {
    if (field.number !== GRAPH.output) return true;
    const name = nameOf(field, VALUE_INFO_NAME);
    if (seenOutputs.has(name)) return false;
    seenOutputs.add(name);
    return true;
  });

  return {
    modelBytes: assembleModel(modelBytes, wire, graph.map((f) => fieldBytes(modelBytes, f))),
    nodesBefore: nodes.length,
    nodesAfter: keptNodes.size,
    removedOutputs,
    removedInitializers,
  };
}
