/**
 * bfloat16 models made runnable on onnxruntime-web's WASM kernels (and onnxruntime-node's CPU
 * kernels), which have no bfloat16 MatMul, Softmax or arithmetic: session creation fails with
 * "Could not find an implementation for MatMul(13)". The model is rewritten in memory to float32
 * (the user's file is never written):
 *
 * - every bfloat16 tensor (initializers, Constant / ConstantOfShape values, subgraph initializers)
 *   becomes float32, each value exactly (a bfloat16 is the upper half of a float32); when the
 *   model would pass protobuf's 2 GiB that way, the main graph's initializers of 1 KiB or more
 *   move to one in-memory external data buffer (UPCAST_DATA_LOCATION) instead;
 * - every bfloat16 element type declared for a graph input, output or value_info becomes float32;
 * - Cast (`to`) and the random / EyeLike operators (`dtype`) that produce bfloat16 produce float32.
 *
 * The arithmetic then runs in float32: the attention is that of the bfloat16 weights computed at
 * higher precision, not a bit-exact replay of bfloat16 arithmetic.
 *
 * Works on the protobuf wire format like pruneGraph.ts: fields not named here are copied byte for
 * byte. Field numbers from onnx/onnx.proto; bfloat16 is TensorProto.DataType 16, float32 is 1.
 */
import protobuf = require('protobufjs/light');
import { int64ToNumber } from './int64';
import { DataType, MODEL_GRAPH_FIELD, WIRE_TYPE_LENGTH_DELIMITED, type Int64 } from './onnxSchema';
import { allGraphs, type OnnxModel, type OnnxTensor } from './readModel';
import { concatBytes, decodeString, readFields, type Field } from './wireFields';

const WIRE_TYPE_VARINT = 0;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE = { opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, i: 3, t: 5, g: 6, tensors: 10, graphs: 11 } as const;
const TENSOR = { dataType: 2, int32Data: 5, name: 8, rawData: 9, externalData: 13, dataLocation: 14 } as const;
const VALUE_INFO_TYPE = 2;
/** TypeProto: tensor_type, sequence_type, map_type, sparse_tensor_type, optional_type. */
const TYPE = { tensor: 1, sequence: 4, map: 5, sparseTensor: 8, optional: 9 } as const;
/** Int attributes that name an element type, by operator. */
const TYPE_ATTRIBUTES: Readonly<Record<string, string>> = {
  Cast: 'to',
  EyeLike: 'dtype',
  RandomNormal: 'dtype',
  RandomUniform: 'dtype',
  RandomNormalLike: 'dtype',
  RandomUniformLike: 'dtype',
  Bernoulli: 'dtype',
  Multinomial: 'dtype',
};
/** onnxruntime parses a model with protobuf, whose messages stop at 2 GiB. */
const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;
/** The external data location the converted initializers name: a buffer handed to onnxruntime
 *  with the model, never a file (nothing is written to or read from disk under this name). */
export const UPCAST_DATA_LOCATION = 'attention-lens-bfloat16-as-float32.bin';
/** Converted initializers smaller than this (bytes, as float32) stay inside the model: onnxruntime's
 *  graph optimizers read small constants (a MatMul's scale) from the model itself and fail on
 *  in-memory external data. onnx.save's size_threshold has the same default. */
const EXTERNAL_MIN_BYTES = 1024;

/** A bfloat16 model this module cannot upcast, and why. */
export class Bfloat16Error extends Error {
  override readonly name = 'Bfloat16Error';
}

export interface Bfloat16Upcast {
  /** The model with every bfloat16 tensor, type and cast turned to float32. */
  readonly modelBytes: Uint8Array;
  /** Set when the model was split (see `inlineUpTo`): the converted main-graph initializers,
   *  float32 little-endian, at the offsets the model gives for UPCAST_DATA_LOCATION; pass it to
   *  onnxruntime-web's externalData option with that path. */
  readonly externalData?: { readonly path: string; readonly data: Uint8Array };
  /** bfloat16 tensors converted (initializers and attribute values, subgraphs included). */
  readonly tensors: number;
  /** bfloat16 elements converted: each grows from 2 to 4 bytes. */
  readonly elements: number;
}

/** True when any graph of `model` holds a bfloat16 tensor, declares a bfloat16 input or output,
 *  or casts to bfloat16. */
export function hasBfloat16(model: OnnxModel): boolean {
  const isBfloat16 = (t: OnnxTensor) => t.dataType === DataType.BFLOAT16;
  return allGraphs(model.graph).some(
    (g) =>
      [...g.initializers.values()].some(isBfloat16) ||
      [...g.inputs, ...g.outputs].some((v) => v.elemType === DataType.BFLOAT16) ||
      g.nodes.some((n) =>
        [...n.attributes.values()].some(
          (a) => (a.name === TYPE_ATTRIBUTES[n.opType] && a.int === DataType.BFLOAT16) || (a.tensor && isBfloat16(a.tensor)) || a.tensors.some(isBfloat16),
        ),
      ),
  );
}

/**
 * `modelBytes` (an ONNX ModelProto) with bfloat16 replaced by float32 throughout; see the module
 * comment. Takes O(file size) time; the result takes up to twice the weights' size.
 * @param inlineUpTo the largest converted model (bytes) kept in one piece; above it, main-graph
 *   initializers of 1 KiB or more go to `externalData` (default: protobuf's 2 GiB). Every runtime
 *   reads a model in one piece; onnxruntime-node reads no in-memory external data.
 * @throws Bfloat16Error for a bfloat16 tensor whose data is in an external file (its bytes are
 *   not in `modelBytes`), or when the float32 model without its initializers would still pass
 *   protobuf's 2 GiB limit.
 * @throws RangeError (from protobufjs) for bytes that are not valid protobuf.
 */
export function upcastBfloat16(modelBytes: Uint8Array, inlineUpTo = MAX_PROTOBUF_BYTES): Bfloat16Upcast {
  const whole = convert(modelBytes, false);
  if (whole.modelBytes.length <= inlineUpTo) return whole;
  const split = convert(modelBytes, true);
  if (split.modelBytes.length > MAX_PROTOBUF_BYTES) {
    throw new Bfloat16Error(
      `converted to float32 it would take ${(split.modelBytes.length / 2 ** 30).toFixed(1)} GiB, past the 2 GiB a single ONNX file can hold`,
    );
  }
  return split;
}

function convert(modelBytes: Uint8Array, toExternal: boolean): Bfloat16Upcast {
  const state: State = { tensors: 0, elements: 0, external: [], externalBytes: 0 };
  const rewritten = rewriteMessage(modelBytes, 0, modelBytes.length, (field) =>
    field.number === MODEL_GRAPH_FIELD && field.wireType === WIRE_TYPE_LENGTH_DELIMITED ? graph(modelBytes, field, state, toExternal) : undefined,
  );
  return {
    modelBytes: rewritten,
    ...(state.external.length > 0 ? { externalData: { path: UPCAST_DATA_LOCATION, data: concatBytes(state.external) } } : {}),
    tensors: state.tensors,
    elements: state.elements,
  };
}

interface State {
  tensors: number;
  elements: number;
  /** Converted main-graph initializer data, in offset order. */
  readonly external: Uint8Array[];
  externalBytes: number;
}

/** A GraphProto field, its bfloat16 parts rewritten (nodes, initializers, declared types). Only the
 *  main graph's initializers go to external data: onnxruntime loads external data for no other. */
function graph(bytes: Uint8Array, field: Field, state: State, main: boolean): Uint8Array {
  return lengthDelimited(
    field.number,
    rewriteMessage(bytes, field.payloadStart, field.payloadEnd, (f) => {
      if (f.wireType !== WIRE_TYPE_LENGTH_DELIMITED) return undefined;
      switch (f.number) {
        case GRAPH.node:
          return node(bytes, f, state);
        case GRAPH.initializer:
          return tensor(bytes, f, state, main);
        case GRAPH.input:
        case GRAPH.output:
        case GRAPH.valueInfo:
          return valueInfo(bytes, f);
        default:
          return undefined;
      }
    }),
  );
}

function node(bytes: Uint8Array, field: Field, state: State): Uint8Array {
  const fields = readFields(bytes, field.payloadStart, field.payloadEnd);
  const opTypeField = fields.find((f) => f.number === NODE.opType && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
  const typeAttribute = TYPE_ATTRIBUTES[opTypeField ? decodeString(bytes, opTypeField) : ''];
  return lengthDelimited(
    field.number,
    rewriteMessage(bytes, field.payloadStart, field.payloadEnd, (f) =>
      f.number === NODE.attribute && f.wireType === WIRE_TYPE_LENGTH_DELIMITED ? attribute(bytes, f, typeAttribute, state) : undefined,
    ),
  );
}

function attribute(bytes: Uint8Array, field: Field, typeAttribute: string | undefined, state: State): Uint8Array {
  const fields = readFields(bytes, field.payloadStart, field.payloadEnd);
  const nameField = fields.find((f) => f.number === ATTRIBUTE.name && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
  const isTypeAttribute = typeAttribute !== undefined && nameField !== undefined && decodeString(bytes, nameField) === typeAttribute;
  return lengthDelimited(
    field.number,
    rewriteMessage(bytes, field.payloadStart, field.payloadEnd, (f) => {
      if (f.number === ATTRIBUTE.i && f.wireType === WIRE_TYPE_VARINT && isTypeAttribute && readVarint(bytes, f) === DataType.BFLOAT16) {
        return varintField(ATTRIBUTE.i, DataType.FLOAT);
      }
      if (f.wireType !== WIRE_TYPE_LENGTH_DELIMITED) return undefined;
      if (f.number === ATTRIBUTE.t || f.number === ATTRIBUTE.tensors) return tensor(bytes, f, state, false);
      if (f.number === ATTRIBUTE.g || f.number === ATTRIBUTE.graphs) return graph(bytes, f, state, false);
      return undefined;
    }),
  );
}

/** A TensorProto field: unchanged unless bfloat16, else float32 holding the same values, in
 *  raw_data or (`toExternal`) in the external data buffer. */
function tensor(bytes: Uint8Array, field: Field, state: State, toExternal: boolean): Uint8Array | undefined {
  const fields = readFields(bytes, field.payloadStart, field.payloadEnd);
  const typeField = fields.find((f) => f.number === TENSOR.dataType && f.wireType === WIRE_TYPE_VARINT);
  if (!typeField || readVarint(bytes, typeField) !== DataType.BFLOAT16) return undefined;
  const external = fields.some(
    (f) => f.number === TENSOR.externalData || (f.number === TENSOR.dataLocation && f.wireType === WIRE_TYPE_VARINT && readVarint(bytes, f) === 1),
  );
  if (external) {
    const nameField = fields.find((f) => f.number === TENSOR.name && f.wireType === WIRE_TYPE_LENGTH_DELIMITED);
    throw new Bfloat16Error(`the bfloat16 tensor '${nameField ? decodeString(bytes, nameField) : ''}' keeps its data in an external file`);
  }
  // The bit patterns: raw_data (2 bytes each, little-endian), or int32_data holding one per entry
  // (packed or not), as onnx.proto specifies for bfloat16.
  const bits: number[] = [];
  for (const f of fields) {
    if (f.number === TENSOR.rawData && f.wireType === WIRE_TYPE_LENGTH_DELIMITED) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + f.payloadStart, f.payloadEnd - f.payloadStart);
      for (let offset = 0; offset + 1 < view.byteLength; offset += 2) bits.push(view.getUint16(offset, true));
    } else if (f.number === TENSOR.int32Data && f.wireType === WIRE_TYPE_LENGTH_DELIMITED) {
      const reader = protobuf.Reader.create(bytes.subarray(f.payloadStart, f.payloadEnd));
      while (reader.pos < reader.len) bits.push(reader.uint32() & 0xffff);
    } else if (f.number === TENSOR.int32Data && f.wireType === WIRE_TYPE_VARINT) {
      bits.push(readVarint(bytes, f) & 0xffff);
    }
  }
  const floats = new Uint32Array(bits.length);
  for (const [i, b] of bits.entries()) floats[i] = (b << 16) >>> 0;
  state.tensors += 1;
  state.elements += bits.length;
  const data = new Uint8Array(floats.buffer);
  const kept = fields
    .filter((f) => f.number !== TENSOR.dataType && f.number !== TENSOR.rawData && f.number !== TENSOR.int32Data)
    .map((f) => bytes.subarray(f.start, f.end));
  let location: Uint8Array[];
  if (toExternal && data.length >= EXTERNAL_MIN_BYTES) {
    // TensorProto.external_data entries (location, offset, length) and data_location = EXTERNAL.
    location = [
      ...[
        ['location', UPCAST_DATA_LOCATION],
        ['offset', String(state.externalBytes)],
        ['length', String(data.length)],
      ].map(([key, value]) => lengthDelimited(TENSOR.externalData, protobuf.Writer.create().uint32(10).string(key!).uint32(18).string(value!).finish())),
      varintField(TENSOR.dataLocation, 1),
    ];
    state.external.push(data);
    state.externalBytes += data.length;
  } else {
    location = [lengthDelimited(TENSOR.rawData, data)];
  }
  return lengthDelimited(field.number, concatBytes([varintField(TENSOR.dataType, DataType.FLOAT), ...kept, ...location]));
}

/** A ValueInfoProto field with bfloat16 element types (at any depth of its TypeProto) made float32. */
function valueInfo(bytes: Uint8Array, field: Field): Uint8Array {
  return lengthDelimited(
    field.number,
    rewriteMessage(bytes, field.payloadStart, field.payloadEnd, (f) =>
      f.number === VALUE_INFO_TYPE && f.wireType === WIRE_TYPE_LENGTH_DELIMITED ? typeProto(bytes, f) : undefined,
    ),
  );
}

function typeProto(bytes: Uint8Array, field: Field): Uint8Array {
  return lengthDelimited(
    field.number,
    rewriteMessage(bytes, field.payloadStart, field.payloadEnd, (f) => {
      if (f.wireType !== WIRE_TYPE_LENGTH_DELIMITED) return undefined;
      switch (f.number) {
        case TYPE.tensor:
        case TYPE.sparseTensor:
          // TypeProto.Tensor / SparseTensor: elem_type is field 1.
          return lengthDelimited(
            f.number,
            rewriteMessage(bytes, f.payloadStart, f.payloadEnd, (e) =>
              e.number === 1 && e.wireType === WIRE_TYPE_VARINT && readVarint(bytes, e) === DataType.BFLOAT16 ? varintField(1, DataType.FLOAT) : undefined,
            ),
          );
        case TYPE.sequence:
        case TYPE.optional:
        case TYPE.map:
          // Sequence.elem_type (1), Optional.elem_type (1), Map.value_type (2): nested TypeProtos.
          return lengthDelimited(
            f.number,
            rewriteMessage(bytes, f.payloadStart, f.payloadEnd, (e) =>
              e.wireType === WIRE_TYPE_LENGTH_DELIMITED && (e.number === (f.number === TYPE.map ? 2 : 1)) ? typeProto(bytes, e) : undefined,
            ),
          );
        default:
          return undefined;
      }
    }),
  );
}

/** The message in bytes[start, end) with each field `rewrite` returns bytes for (tag included) replaced. */
function rewriteMessage(bytes: Uint8Array, start: number, end: number, rewrite: (field: Field) => Uint8Array | undefined): Uint8Array {
  return concatBytes(readFields(bytes, start, end).map((f) => rewrite(f) ?? bytes.subarray(f.start, f.end)));
}

function readVarint(bytes: Uint8Array, field: Field): number {
  // protobufjs types int64 as Long; without long.js installed it returns a number.
  return int64ToNumber(protobuf.Reader.create(bytes.subarray(field.payloadStart, field.payloadEnd)).int64() as unknown as Int64);
}

function varintField(number: number, value: number): Uint8Array {
  return protobuf.Writer.create().uint32((number << 3) | WIRE_TYPE_VARINT).int64(value).finish();
}

function lengthDelimited(number: number, payload: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((number << 3) | WIRE_TYPE_LENGTH_DELIMITED).bytes(payload).finish();
}
