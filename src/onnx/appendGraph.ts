/**
 * Appends a ModelProto.graph field to existing model bytes. Protobuf merges a repeated embedded
 * message into the first one and concatenates its repeated fields, so a graph holding only extra
 * outputs (or nodes, initializers) extends the original graph without re-encoding it.
 */
import protobuf = require('protobufjs/light');
import { GraphProtoType, MODEL_GRAPH_FIELD, WIRE_TYPE_LENGTH_DELIMITED, type RawGraph } from './onnxSchema';

export function appendGraphField(modelBytes: Uint8Array, graph: RawGraph): Uint8Array {
  const field = protobuf.Writer.create()
    .uint32((MODEL_GRAPH_FIELD << 3) | WIRE_TYPE_LENGTH_DELIMITED)
    .bytes(GraphProtoType.encode(graph).finish())
    .finish();
  const result = new Uint8Array(modelBytes.length + field.length);
  result.set(modelBytes, 0);
  result.set(field, modelBytes.length);
  return result;
}
