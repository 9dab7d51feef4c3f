/**
 * Protobuf wire-format reading without decoding (https://protobuf.dev/programming-guides/encoding/):
 * the fields of a message as byte ranges, so that a model can be rewritten field by field while
 * every field this project does not know is copied unchanged (pruneGraph.ts, upcastBfloat16.ts).
 */
import protobuf = require('protobufjs/light');
import { WIRE_TYPE_LENGTH_DELIMITED } from './onnxSchema';

/** One protobuf field: its number, wire type, and where its bytes (tag included) lie. */
export interface Field {
  readonly number: number;
  readonly wireType: number;
  readonly start: number;
  readonly end: number;
  /** For length-delimited fields, the payload's range. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
}

/** The fields of the message in bytes[start, end), without decoding their payloads. */
export function readFields(bytes: Uint8Array, start: number, end: number): Field[] {
  const reader = protobuf.Reader.create(bytes.subarray(0, end));
  reader.pos = start;
  const fields: Field[] = [];
  while (reader.pos < end) {
    const fieldStart = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let payloadStart = reader.pos;
    if (wireType === WIRE_TYPE_LENGTH_DELIMITED) {
      const length = reader.uint32();
      payloadStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    fields.push({ number: tag >>> 3, wireType, start: fieldStart, end: reader.pos, payloadStart, payloadEnd: reader.pos });
  }
  if (reader.pos !== end) throw new RangeError(`protobuf field runs past its message (${reader.pos} > ${end})`);
  return fields;
}

/** A length-delimited field's payload as UTF-8 text. */
export function decodeString(bytes: Uint8Array, field: Field): string {
  return protobuf.util.utf8.read(bytes, field.payloadStart, field.payloadEnd);
}

/** The byte arrays one after another, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
