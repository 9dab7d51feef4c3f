/**
 * A model's graph read as protobuf fields (wireFields.ts), for the rewrites that keep every byte
 * they do not change (pruneGraph.ts, splitGraph.ts): the graph's fields with all ModelProto.graph
 * fields merged into one, as protobuf itself merges them (exposeAttention.ts appends a second),
 * its nodes with the names each reads and writes, and the model assembled again around new
 * graph fields. Field numbers from onnx/onnx.proto.
 */
import protobuf = require('protobufjs/light');
import { MODEL_GRAPH_FIELD, WIRE_TYPE_LENGTH_DELIMITED } from './onnxSchema';
import { concatBytes, decodeString, readFields, type Field } from './wireFields';

export type { Field } from './wireFields';

/** GraphProto field numbers. */
export const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { input: 1, output: 2, attribute: 5 } as const;
const ATTRIBUTE = { g: 6, graphs: 11 } as const;
/** TensorProto.name */
export const TENSOR_NAME = 8;
/** ValueInfoProto.name */
export const VALUE_INFO_NAME = 1;

/** A graph node: its field, the tensors it writes, and every tensor it reads (subgraphs' outer reads included). */
export interface WireNode {
  readonly field: Field;
  readonly outputs: readonly string[];
  readonly reads: readonly string[];
}

export interface WireGraph {
  readonly topFields: readonly Field[];
  /** The first ModelProto.graph field: where the assembled graph goes. */
  readonly firstGraph: Field;
  /** The fields of every graph part, in order. */
  readonly fields: readonly Field[];
  /** Nodes in file order (ONNX requires topological order). */
  readonly nodes: readonly WireNode[];
}

/**
 * The graph of `modelBytes` as fields, or undefined when the model has no graph.
 * @throws RangeError (from protobufjs) for bytes that are not valid protobuf.
 */
export function readWireGraph(modelBytes: Uint8Array): WireGraph | undefined {
  const topFields = readFields(modelBytes, 0, modelBytes.length);
  const graphParts = topFields.filter((f) => f.number === MODEL_GRAPH_FIELD && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
  if (graphParts.length === 0) return undefined;
  const fields = graphParts.flatMap((g) => readFields(modelBytes, g.payloadStart, g.payloadEnd));
  const nodes = fields.filter((f) => f.number === GRAPH.node).map((field) => ({ field, ...readNode(modelBytes, field) }));
  return { topFields, firstGraph: graphParts[0]!, fields, nodes };
}

/** The model's top-level fields in order, the first graph field replaced by `graph` (whole
 *  encoded fields, tags included), later graph fields dropped. */
export function assembleModel(bytes: Uint8Array, wire: WireGraph, graph: readonly Uint8Array[]): Uint8Array {
  const graphLength = graph.reduce((sum, g) => sum + g.length, 0);
  const header = protobuf.Writer.create().uint32((MODEL_GRAPH_FIELD << 3) | WIRE_TYPE_LENGTH_DELIMITED).uint32(graphLength).finish();
  const parts: Uint8Array[] = [];
  for (const field of wire.topFields) {
    if (field === wire.firstGraph) parts.push(header, ...graph);
    else if (!(field.number === MODEL_GRAPH_FIELD && field.wireType === WIRE_TYPE_LENGTH_DELIMITED)) parts.push(bytes.subarray(field.start, field.end));
  }
  return concatBytes(parts);
}

/** The bytes of `field`, tag included. */
export function fieldBytes(bytes: Uint8Array, field: Field): Uint8Array {
  return bytes.subarray(field.start, field.end);
}

/** The first string field `nameField` of the message `field` holds ('' when absent). */
export function readString(bytes: Uint8Array, field: Field, nameField: number): string {
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
