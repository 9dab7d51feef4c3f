/**
 * Read nodes and tensors (readModel.ts) back in wire form, for appending copies of them
 * (appendGraph.ts). Covers what nodes of a decoder carry: scalar and list attributes, tensor
 * attributes (Constant values); nested subgraphs are not copied.
 */
import type { RawAttribute, RawNode, RawTensor } from './onnxSchema';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from './readModel';

/** Thrown for an attribute this module cannot write back (a nested subgraph). */
export class RawFormError extends Error {
  override readonly name = 'RawFormError';
}

export function rawTensor(t: OnnxTensor, name = t.name): RawTensor {
  return {
    name,
    dims: [...t.dims],
    dataType: t.dataType,
    ...(t.rawData ? { rawData: t.rawData } : {}),
    floatData: [...t.floatData],
    int32Data: [...t.int32Data],
    int64Data: t.int64Data.map((v) => (typeof v === 'number' ? v : Number(v.toString()))),
    doubleData: [...t.doubleData],
  };
}

/** An attribute as read, in wire form (AttributeProto.AttributeType numbers). */
export function rawAttribute(a: OnnxAttribute): RawAttribute {
  if (a.graph || a.graphs.length > 0) throw new RawFormError(`attribute ${a.name} holds a subgraph`);
  // The declared type decides (a zero-valued scalar may be absent from the wire).
  switch (a.type) {
    case 1:
      return { name: a.name, type: 1, f: a.float ?? 0 };
    case 2:
      return { name: a.name, type: 2, i: a.int ?? 0 };
    case 3:
      return { name: a.name, type: 3, s: a.bytes ?? new Uint8Array(0) };
    case 6:
      return { name: a.name, type: 6, floats: [...a.floats] };
    case 7:
      return { name: a.name, type: 7, ints: [...a.ints] };
  }
  if (a.float !== undefined) return { name: a.name, type: 1, f: a.float };
  if (a.int !== undefined) return { name: a.name, type: 2, i: a.int };
  if (a.bytes !== undefined) return { name: a.name, type: 3, s: a.bytes };
  if (a.tensor !== undefined) return { name: a.name, type: 4, t: rawTensor(a.tensor) };
  if (a.floats.length > 0) return { name: a.name, type: 6, floats: [...a.floats] };
  if (a.tensors.length > 0) return { name: a.name, type: 9, tensors: a.tensors.map((t) => rawTensor(t)) };
  return { name: a.name, type: 7, ints: [...a.ints] };
}

export function rawNode(n: OnnxNode): RawNode {
  return { name: n.name, opType: n.opType, domain: n.domain, input: [...n.inputs], output: [...n.outputs], attribute: [...n.attributes.values()].map(rawAttribute) };
}
