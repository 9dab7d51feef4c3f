/**
 * Which number type a model computes in, as far as its stored weights tell. A model may store its
 * weights as float16 and read each one through a Cast to float32 (the bundled model does: half
 * the bytes, float32 arithmetic); such weights do not make the model a float16 model.
 */
import { DataType } from './onnxSchema';
import { allGraphs, type OnnxModel, type OnnxNode } from './readModel';

/** Every node reading each tensor name, in the main graph and every subgraph (If/Loop/Scan
 *  bodies read outer-scope tensors by name). */
function readersByTensor(model: OnnxModel): Map<string, OnnxNode[]> {
  const readers = new Map<string, OnnxNode[]>();
  for (const graph of allGraphs(model.graph)) {
    for (const node of graph.nodes) {
      for (const input of node.inputs) {
        if (input === '') continue;
        const list = readers.get(input) ?? [];
        list.push(node);
        readers.set(input, list);
      }
    }
  }
  return readers;
}

function isCastToFloat32(node: OnnxNode): boolean {
  return node.opType === 'Cast' && node.attributes.get('to')?.int === DataType.FLOAT;
}

/**
 * The float16 and bfloat16 initializers that some node reads as they are (not through a Cast to
 * float32), by name: the model computes in that type there. Initializers nothing reads do not count.
 */
export function lowPrecisionWeights(model: OnnxModel): string[] {
  const readers = readersByTensor(model);
  return [...model.graph.initializers.values()]
    .filter((t) => t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16)
    .filter((t) => (readers.get(t.name) ?? []).some((node) => !isCastToFloat32(node)))
    .map((t) => t.name);
}

/**
 * Whether the model stores float16 weights and reads every one of them only through Casts to
 * float32 (so it computes in float32): false when it has no float16 initializer that is read.
 */
export function float16WeightsReadAsFloat32(model: OnnxModel): boolean {
  const readers = readersByTensor(model);
  const half = [...model.graph.initializers.values()].filter((t) => t.dataType === DataType.FLOAT16 && (readers.get(t.name)?.length ?? 0) > 0);
  return half.length > 0 && half.every((t) => readers.get(t.name)!.every(isCastToFloat32));
}
