/**
 * Reads an ONNX ModelProto into plain, typed objects: graph nodes, graph inputs and outputs with
 * their shapes, initializers (data still as bytes; convert with tensorData.ts), opset imports.
 * Pure: no file system, no editor API, so it runs in the extension host, a worker or a test.
 */
import protobuf = require('protobufjs/light');
import {
  GraphProtoType,
  MODEL_GRAPH_FIELD,
  ModelProtoType,
  WIRE_TYPE_LENGTH_DELIMITED,
  type RawAttribute,
  type RawGraph,
  type RawModel,
  type RawTensor,
  type RawValueInfo,
} from './onnxSchema';
import { OnnxFormatError } from './onnxFormatError';
import { int64ToNumber } from './int64';

export interface OnnxModel {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  /** Operator set per domain; '' is the default ai.onnx domain. */
  readonly opsetImports: readonly OnnxOpsetImport[];
  readonly graph: OnnxGraph;
}

export interface OnnxOpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxGraph {
  readonly name: string;
  /** Nodes in file order, which ONNX requires to be topological. */
  readonly nodes: readonly OnnxNode[];
  /** Graph inputs the caller must feed: declared inputs that are not also initializers
   *  (models with IR version < 4 list every weight as an input too). */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
}

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  /** '' (or 'ai.onnx') for standard operators, e.g. 'com.microsoft' for contrib ops. */
  readonly domain: string;
  /** Tensor names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxAttribute {
  readonly name: string;
  /** AttributeProto.AttributeType (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, …); 0 when unset. */
  readonly type: number;
  readonly float?: number;
  readonly int?: number;
  readonly bytes?: Uint8Array;
  readonly tensor?: OnnxTensor;
  /** The body of If (then_branch, else_branch), Loop and Scan (body). */
  readonly graph?: OnnxGraph;
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly tensors: readonly OnnxTensor[];
  readonly graphs: readonly OnnxGraph[];
}

/** A dimension: a fixed size, a symbolic name such as 'T', or null when the file leaves it open. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  readonly name: string;
  /** TensorProto.DataType of the element; null for non-tensor values. */
  readonly elemType: number | null;
  /** null when the file declares no shape (unknown rank). */
  readonly shape: readonly OnnxDim[] | null;
}

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** Set when the file stores the data as raw little-endian bytes (what exporters usually do). */
  readonly rawData?: Uint8Array;
  readonly floatData: readonly number[];
  readonly int32Data: readonly number[];
  readonly int64Data: readonly (number | { toNumber(): number; toString(): string })[];
  readonly doubleData: readonly number[];
  /** Set when the data is in a separate file: the 'location' entry of external_data. */
  readonly externalLocation?: string;
}

/** Decodes ONNX model bytes. Throws OnnxFormatError for anything that is not a readable model. */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const raw = decodeProtobuf(bytes, () => ModelProtoType.decode(bytes) as unknown as RawModel);
  const graph = decodeProtobuf(bytes, () => decodeGraph(bytes));
  if (!graph) {
    throw new OnnxFormatError('not-onnx', 'Not an ONNX model: the file has no graph.');
  }
  const opsetImports = (raw.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: int64ToNumber(o.version) }));
  // The spec requires at least one opset import; its absence also catches files cut right
  // after the graph, which decode without a protobuf error.
  if (opsetImports.length === 0) {
    throw new OnnxFormatError('not-onnx', 'Not an ONNX model (or truncated): the file declares no operator set.');
  }
  return {
    irVersion: int64ToNumber(raw.irVersion),
    producerName: raw.producerName ?? '',
    producerVersion: raw.producerVersion ?? '',
    opsetImports,
    graph: toGraph(graph),
  };
}

function toGraph(graph: RawGraph): OnnxGraph {
  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) {
    const tensor = toTensor(t);
    initializers.set(tensor.name, tensor);
  }
  return {
    name: graph.name ?? '',
    nodes: (graph.node ?? []).map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes: new Map((n.attribute ?? []).map((a) => [a.name ?? '', toAttribute(a)])),
    })),
    inputs: (graph.input ?? []).map(toValueInfo).filter((v) => !initializers.has(v.name)),
    outputs: (graph.output ?? []).map(toValueInfo),
    initializers,
  };
}

/** Every node reading each tensor name, among `nodes` (empty input names, for omitted optional
 *  inputs, are skipped). */
export function readersByTensor(nodes: readonly OnnxNode[]): Map<string, OnnxNode[]> {
  const readers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input === '') continue;
      const list = readers.get(input) ?? [];
      list.push(node);
      readers.set(input, list);
    }
  }
  return readers;
}

/** Every graph of the model: the main graph, then the bodies of If/Loop/Scan nodes, depth first. */
export function allGraphs(graph: OnnxGraph): OnnxGraph[] {
  const result: OnnxGraph[] = [];
  const pending = [graph];
  while (pending.length > 0) {
    const current = pending.pop()!;
    result.push(current);
    for (const node of current.nodes) {
      for (const attribute of node.attributes.values()) pending.push(...attribute.graphs, ...(attribute.graph ? [attribute.graph] : []));
    }
  }
  return result;
}

/** Tensors held in node attributes (Constant values, for instance), in every graph. */
export function attributeTensors(graph: OnnxGraph): OnnxTensor[] {
  return allGraphs(graph).flatMap((g) =>
    g.nodes.flatMap((n) => [...n.attributes.values()].flatMap((a) => [...(a.tensor ? [a.tensor] : []), ...a.tensors])),
  );
}

/** Names of initializers whose data is stored outside the model file. */
export function externalDataTensors(model: OnnxModel): string[] {
  return [...model.graph.initializers.values()].filter((t) => t.externalLocation !== undefined).map((t) => t.name);
}

/** Tensors outside the main graph's initializers (attributes, subgraph initializers) whose data is
 *  in a separate file: onnxruntime-web loads external data for main-graph initializers only. */
export function misplacedExternalData(model: OnnxModel): string[] {
  const nested = allGraphs(model.graph).slice(1).flatMap((g) => [...g.initializers.values()]);
  return [...nested, ...attributeTensors(model.graph)].filter((t) => t.externalLocation !== undefined).map((t) => t.name || '(unnamed)');
}

/**
 * The graph, merged over every ModelProto.graph field as protobuf specifies (repeated fields
 * concatenated): files written by exposeAttention.ts carry a second graph field with extra outputs.
 */
function decodeGraph(bytes: Uint8Array): RawGraph | undefined {
  const reader = protobuf.Reader.create(bytes);
  const parts: RawGraph[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === MODEL_GRAPH_FIELD && (tag & 7) === WIRE_TYPE_LENGTH_DELIMITED) {
      parts.push(GraphProtoType.decode(reader, reader.uint32()) as unknown as RawGraph);
    } else {
      reader.skipType(tag & 7);
    }
  }
  if (parts.length <= 1) return parts[0];
  const concat = <K extends 'node' | 'initializer' | 'input' | 'output'>(field: K): RawGraph[K] =>
    parts.flatMap((p) => p[field] ?? []) as RawGraph[K];
  return {
    name: parts.map((p) => p.name).filter(Boolean).at(-1) ?? '',
    node: concat('node'),
    initializer: concat('initializer'),
    input: concat('input'),
    output: concat('output'),
  };
}

/** Runs a protobuf decode, turning its failures into OnnxFormatError. */
function decodeProtobuf<T>(bytes: Uint8Array, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    // protobufjs reports reading past the end as a RangeError ("index out of range").
    if (err instanceof RangeError || /index out of range/.test(detail)) {
      throw new OnnxFormatError('truncated', `The ONNX file is truncated (${bytes.length} bytes): ${detail}`);
    }
    throw new OnnxFormatError('corrupt', `The ONNX file is corrupt: ${detail}`);
  }
}

function toTensor(t: RawTensor): OnnxTensor {
  const location = (t.externalData ?? []).find((e) => e.key === 'location')?.value;
  const external = t.dataLocation === 1 || location !== undefined;
  return {
    name: t.name ?? '',
    dims: (t.dims ?? []).map((d) => int64ToNumber(d)),
    dataType: t.dataType ?? 0,
    ...(t.rawData && t.rawData.length > 0 ? { rawData: t.rawData } : {}),
    floatData: t.floatData ?? [],
    int32Data: t.int32Data ?? [],
    int64Data: t.int64Data ?? [],
    doubleData: t.doubleData ?? [],
    ...(external ? { externalLocation: location ?? '' } : {}),
  };
}

function toAttribute(a: RawAttribute): OnnxAttribute {
  return {
    name: a.name ?? '',
    type: a.type ?? 0,
    ...(has(a, 'f') ? { float: a.f } : {}),
    ...(has(a, 'i') ? { int: int64ToNumber(a.i) } : {}),
    ...(has(a, 's') ? { bytes: a.s } : {}),
    ...(has(a, 't') && a.t ? { tensor: toTensor(a.t) } : {}),
    ...(has(a, 'g') && a.g ? { graph: toGraph(a.g) } : {}),
    floats: a.floats ?? [],
    ints: (a.ints ?? []).map((i) => int64ToNumber(i)),
    tensors: (a.tensors ?? []).map(toTensor),
    graphs: (a.graphs ?? []).map(toGraph),
  };
}

function toValueInfo(v: RawValueInfo): OnnxValueInfo {
  const tensorType = v.type?.tensorType;
  const dims = tensorType?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: tensorType?.elemType ?? null,
    shape: dims ? dims.map((d) => (has(d, 'dimParam') ? d.dimParam! : has(d, 'dimValue') ? int64ToNumber(d.dimValue) : null)) : null,
  };
}

/** protobufjs keeps defaults on the prototype; only fields present on the wire are own properties. */
function has(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}
