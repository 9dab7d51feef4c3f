/**
 * Splits a model's graph, in memory, into one piece per layer, so that a long input's attention
 * can be computed one layer at a time: onnxruntime keeps every fetched output of a run until the
 * run ends, and with them a run of 12 layers x 12 heads at 2048 tokens peaks at 5.5 GB in the
 * native runtime, against 0.9 GB for a graph cut to one layer (BENCHMARKS.md, `long`). Piece `k`
 * computes stage `k`'s outputs (its layer's attention, and q/k/v/o where fetched) and everything
 * later pieces need from it (the hidden state, a mask, shapes): those tensors leave piece `k` as
 * extra outputs and enter the pieces that read them as extra inputs. Every node lands in the
 * piece of the earliest stage that needs it, so the pieces together run each node once.
 *
 * Works on the protobuf wire format as pruneGraph.ts does (graphWire.ts): nodes, initializers,
 * inputs and value_info are copied byte for byte into the pieces that use them; the new inputs
 * and outputs are the only fields written. A new input needs its element type, which only a
 * runtime knows for an intermediate tensor (ONNX files rarely carry it): the caller builds the
 * pieces in order and passes the types the previous pieces' sessions report for their outputs
 * (`pieceModel`), which are declared without a type (onnxruntime infers an output's type).
 */
import protobuf = require('protobufjs/light');
import { assembleModel, fieldBytes, GRAPH, readString, readWireGraph, TENSOR_NAME, VALUE_INFO_NAME, type Field } from './graphWire';

/** Why a graph could not be split. */
export class SplitGraphError extends Error {
  override readonly name = 'SplitGraphError';
}

/** What one piece reads and writes, by tensor name. */
export interface PiecePlan {
  /** The model's own graph inputs the piece reads (fed as the model is fed). */
  readonly modelInputs: readonly string[];
  /** Tensors earlier pieces computed that this piece reads. */
  readonly carriedIn: readonly string[];
  /** The stage's outputs, as the model names them. */
  readonly outputs: readonly string[];
  /** Tensors this piece computes that later pieces read. */
  readonly carriedOut: readonly string[];
}

export interface GraphSplit {
  readonly pieces: readonly PiecePlan[];
  /** For each carried tensor, the last piece that reads it: it can be freed after that piece. */
  readonly lastReader: ReadonlyMap<string, number>;
  /**
   * Piece `index` as a model. `types` gives the ONNX element type (TensorProto.DataType) of each
   * of its carriedIn tensors.
   * @throws SplitGraphError when a carried tensor's type is missing.
   */
  pieceModel(index: number, types: ReadonlyMap<string, number>): Uint8Array;
}

/**
 * Plans the split of `modelBytes` into `stages.length` pieces, piece `k` computing the outputs
 * named in `stages[k]`. Every graph output of the model should be in some stage (a model cut by
 * pruneGraph.ts to the outputs the views fetch): nodes nothing in `stages` needs are dropped.
 * @throws SplitGraphError when the model has no graph, or a stage's output is produced by no
 *   node (a graph input or initializer cannot be a stage's output).
 * @throws RangeError (from protobufjs) for bytes that are not valid protobuf.
 */
export function splitGraph(modelBytes: Uint8Array, stages: readonly (readonly string[])[]): GraphSplit {
  const wire = readWireGraph(modelBytes);
  if (!wire) throw new SplitGraphError('The model has no graph.');
  // The earliest stage each tensor is needed by, walking back from the outputs (topological order).
  const neededBy = new Map<string, number>();
  stages.forEach((names, stage) => {
    for (const name of names) neededBy.set(name, Math.min(neededBy.get(name) ?? Infinity, stage));
  });
  const stageOf = new Map<Field, number>();
  const producer = new Map<string, number>();
  for (let i = wire.nodes.length - 1; i >= 0; i--) {
    const node = wire.nodes[i]!;
    const stage = Math.min(...node.outputs.map((o) => neededBy.get(o) ?? Infinity));
    if (stage === Infinity) continue;
    stageOf.set(node.field, stage);
    for (const o of node.outputs) producer.set(o, stage);
    for (const name of node.reads) if (name !== '') neededBy.set(name, Math.min(neededBy.get(name) ?? Infinity, stage));
  }
  const missing = stages.flat().filter((name) => !producer.has(name));
  if (missing.length > 0) throw new SplitGraphError(`No node produces ${missing.map((m) => `"${m}"`).join(', ')}.`);

  const nameOf = (field: Field, nameField: number) => readString(modelBytes, field, nameField);
  const inputFields = new Map(wire.fields.filter((f) => f.number === GRAPH.input).map((f) => [nameOf(f, VALUE_INFO_NAME), f]));
  const initializerFields = new Map(wire.fields.filter((f) => f.number === GRAPH.initializer).map((f) => [nameOf(f, TENSOR_NAME), f]));
  const outputFields = new Map(wire.fields.filter((f) => f.number === GRAPH.output).map((f) => [nameOf(f, VALUE_INFO_NAME), f]));

  const reads = stages.map(() => new Set<string>());
  for (const node of wire.nodes) {
    const stage = stageOf.get(node.field);
    if (stage !== undefined) for (const name of node.reads) if (name !== '') reads[stage]!.add(name);
  }
  const lastReader = new Map<string, number>();
  const carriedOut = stages.map(() => new Set<string>());
  const pieces = stages.map((outputs, k): PiecePlan => {
    const carriedIn: string[] = [];
    const modelInputs: string[] = [];
    for (const name of reads[k]!) {
      const from = producer.get(name);
      if (from !== undefined && from < k) {
        carriedIn.push(name);
        carriedOut[from]!.add(name);
        lastReader.set(name, Math.max(lastReader.get(name) ?? k, k));
      } else if (from === undefined && !initializerFields.has(name) && inputFields.has(name)) {
        modelInputs.push(name);
      }
    }
    return { modelInputs, carriedIn, outputs: [...outputs], carriedOut: [] };
  }).map((piece, k) => ({ ...piece, carriedOut: [...carriedOut[k]!] }));

  const pieceModel = (index: number, types: ReadonlyMap<string, number>): Uint8Array => {
    const piece = pieces[index];
    if (!piece) throw new SplitGraphError(`There is no piece ${index}.`);
    const read = reads[index]!;
    const produced = new Set(wire.nodes.filter((n) => stageOf.get(n.field) === index).flatMap((n) => n.outputs));
    const graph: Uint8Array[] = [];
    for (const field of wire.fields) {
      switch (field.number) {
        case GRAPH.node:
          if (stageOf.get(field) === index) graph.push(fieldBytes(modelBytes, field));
          break;
        case GRAPH.initializer:
          if (read.has(nameOf(field, TENSOR_NAME))) graph.push(fieldBytes(modelBytes, field));
          break;
        case GRAPH.input:
          if (piece.modelInputs.includes(nameOf(field, VALUE_INFO_NAME))) graph.push(fieldBytes(modelBytes, field));
          break;
        case GRAPH.output:
          // Written below, once each, in the stage's order.
          break;
        case GRAPH.valueInfo: {
          const name = nameOf(field, VALUE_INFO_NAME);
          if ((read.has(name) || produced.has(name)) && !piece.carriedIn.includes(name)) graph.push(fieldBytes(modelBytes, field));
          break;
        }
        default:
          graph.push(fieldBytes(modelBytes, field));
      }
    }
    for (const name of piece.carriedIn) {
      const type = types.get(name);
      if (type === undefined) throw new SplitGraphError(`The type of "${name}", which piece ${index} reads, is not known.`);
      graph.push(valueInfoField(GRAPH.input, name, type));
    }
    for (const name of piece.outputs) {
      const declared = outputFields.get(name);
      graph.push(declared ? fieldBytes(modelBytes, declared) : valueInfoField(GRAPH.output, name));
    }
    for (const name of piece.carriedOut) if (!piece.outputs.includes(name)) graph.push(valueInfoField(GRAPH.output, name));
    return assembleModel(modelBytes, wire, graph);
  };

  return { pieces, lastReader, pieceModel };
}

/** A GraphProto input or output field: ValueInfoProto { name, type { tensor_type { elem_type } } }
 *  with no shape, or no type at all (an output, whose type onnxruntime infers). */
function valueInfoField(graphField: number, name: string, elemType?: number): Uint8Array {
  const info = protobuf.Writer.create().uint32((VALUE_INFO_NAME << 3) | 2).string(name);
  if (elemType !== undefined) {
    const tensorType = protobuf.Writer.create().uint32((1 << 3) | 0).int32(elemType).finish();
    const type = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(tensorType).finish();
    info.uint32((2 << 3) | 2).bytes(type);
  }
  return protobuf.Writer.create().uint32((graphField << 3) | 2).bytes(info.finish()).finish();
}

