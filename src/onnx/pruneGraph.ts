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
import protobuf = require('protobufjs/light');
import { MODEL_GRAPH_FIELD, WIRE_TYPE_LENGTH_DELIMITED } from './onnxSchema';
import { decodeString, readFields, type Field } from './wireFields';

// Field numbers from onnx/onnx.proto.
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { input: 1, output: 2, attribute: 5 } as const;
const ATTRIBUTE = { g: 6, graphs: 11 } as const;
const TENSOR_NAME = 8;
const VALUE_INFO_NAME = 1;

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
  const topFields = readFields(modelBytes, 0, modelBytes.length);
  const graphParts = topFields.filter((f) => f.number === MODEL_GRAPH_FIELD && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
  if (graphParts.length === 0) throw new PruneGraphError('The model has no graph.');
  const graphFields = graphParts.flatMap((g) => readFields(modelBytes, g.payloadStart, g.payloadEnd));

  const nodes = graphFields
    .filter((f) => f.number === GRAPH.node)
    .map((field) => ({ field, ...readNode(modelBytes, field) }));
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
    modelBytes: assemble(modelBytes, topFields, graphParts[0]!, graph),
    nodesBefore: nodes.length,
    nodesAfter: keptNodes.size,
    removedOutputs,
    removedInitializers,
  };
}

/** The model's top-level fields in order, the first graph field replaced by `graph`, later graph fields dropped. */
function assemble(bytes: Uint8Array, topFields: readonly Field[], firstGraph: Field, graph: readonly Field[]): Uint8Array {
  const graphLength = graph.reduce((sum, f) => sum + (f.end - f.start), 0);
  const header = protobuf.Writer.create().uint32((MODEL_GRAPH_FIELD << 3) | WIRE_TYPE_LENGTH_DELIMITED).uint32(graphLength).finish();
  const parts: Uint8Array[] = [];
  for (const field of topFields) {
    if (field === firstGraph) {
      parts.push(header);
      for (const g of graph) parts.push(bytes.subarray(g.start, g.end));
    } else if (!(field.number === MODEL_GRAPH_FIELD && field.wireType === WIRE_TYPE_LENGTH_DELIMITED)) {
      parts.push(bytes.subarray(field.start, field.end));
    }
  }
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The first string field `nameField` of the message `field` holds ('' when absent). */
function readString(bytes: Uint8Array, field: Field, nameField: number): string {
  const inner = readFields(bytes, field.payloadStart, field.payloadEnd).find((f) => f.number === nameField && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
  return inner ? decodeString(bytes, inner) : '';
}

/** A node's outputs, and every tensor it reads: its inputs plus the outer names its subgraphs use. */
function readNode(bytes: Uint8Array, node: Field): { outputs: string[]; reads: string[] } {
  const outputs: string[] = [];
  const reads: string[] = [];
  for (const f of readFields(bytes, node.payloadStart, node.payloadEnd)) {
    if (f.wireType !== WIRE_TYPE_LENGTH_DELIMITED) continue;
    if (f.number === NODE.input) reads.push(decodeString(bytes, f));
    else if (f.number === NODE.output) outputs.push(decodeString(bytes, f));
    else if (f.number === NODE.attribute) reads.push(...subgraphReads(bytes, f));
  }
  return { outputs, reads };
}

/** Every name read by a node inside the attribute's subgraphs, at any depth: a superset of the
 *  outer-scope tensors they use (names local to the subgraph match nothing outside). */
function subgraphReads(bytes: Uint8Array, attribute: Field): string[] {
  const reads: string[] = [];
  for (const f of readFields(bytes, attribute.payloadStart, attribute.payloadEnd)) {
    if ((f.number !== ATTRIBUTE.g && f.number !== ATTRIBUTE.graphs) || f.wireType !== WIRE_TYPE_LENGTH_DELIMITED) continue;
    for (const g of readFields(bytes, f.payloadStart, f.payloadEnd)) {
      if (g.number === GRAPH.node && g.wireType === WIRE_TYPE_LENGTH_DELIMITED) reads.push(...readNode(bytes, g).reads);
    }
  }
  return reads;
}
