/**
 * The subset of onnx.proto this project reads, as a protobufjs reflection schema.
 *
 * Field numbers follow onnx/onnx.proto. Only what the reader needs is declared: protobuf skips
 * unknown fields, so newer ONNX additions (training_info, functions, sparse initializers...)
 * are ignored instead of breaking the decode, and nothing here is ever re-encoded over the
 * original bytes.
 */
import protobuf = require('protobufjs/light');

const schema = {
  nested: {
    onnx: {
      nested: {
        // ModelProto without its graph field: protobufjs replaces an embedded message that occurs
        // twice instead of merging it as protobuf specifies, and exposeAttention.ts appends a
        // second graph field. readModel.ts finds and merges the graph fields itself.
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        // Subgraphs (g, graphs) are read so that attention inside If/Loop/Scan bodies and external
        // data referenced from them can be reported.
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            tensors: { rule: 'repeated', type: 'TensorProto', id: 10 },
            graphs: { rule: 'repeated', type: 'GraphProto', id: 11 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: 'repeated', type: 'float', id: 4 },
            int32Data: { rule: 'repeated', type: 'int32', id: 5 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: { rule: 'repeated', type: 'double', id: 10 },
            externalData: { rule: 'repeated', type: 'StringStringEntryProto', id: 13 },
            dataLocation: { type: 'int32', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { type: 'TypeProtoTensor', id: 1 },
          },
        },
        // TypeProto.Tensor, flattened to a top-level name; the wire format only knows field numbers.
        TypeProtoTensor: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 },
          },
        },
        TensorShapeDimension: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(schema);

export const ModelProtoType = root.lookupType('onnx.ModelProto');
export const GraphProtoType = root.lookupType('onnx.GraphProto');

/** ModelProto.graph's field number. */
export const MODEL_GRAPH_FIELD = 7;
/** Protobuf wire type of strings, bytes and embedded messages. */
export const WIRE_TYPE_LENGTH_DELIMITED = 2;

/** protobufjs decodes int64 as a Long object when the `long` package is available, else a number. */
export type Int64 = number | { toNumber(): number };

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  BOOL: 9,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType values used when building nodes. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  TENSOR: 4,
  INTS: 7,
} as const;

// Decoded message shapes: every field optional, as protobuf leaves defaults unset.
export interface RawModel {
  irVersion?: Int64;
  producerName?: string;
  producerVersion?: string;
  opsetImport?: { domain?: string; version?: Int64 }[];
}
export interface RawGraph {
  node?: RawNode[];
  name?: string;
  initializer?: RawTensor[];
  input?: RawValueInfo[];
  output?: RawValueInfo[];
}
export interface RawNode {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  attribute?: RawAttribute[];
  domain?: string;
}
export interface RawAttribute {
  name?: string;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: RawTensor;
  g?: RawGraph;
  floats?: number[];
  ints?: Int64[];
  tensors?: RawTensor[];
  graphs?: RawGraph[];
  type?: number;
}
export interface RawTensor {
  dims?: Int64[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
  name?: string;
  rawData?: Uint8Array;
  doubleData?: number[];
  externalData?: { key?: string; value?: string }[];
  dataLocation?: number;
}
export interface RawValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: Int64; dimParam?: string }[] } } };
}
