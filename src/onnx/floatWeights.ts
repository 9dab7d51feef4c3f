/**
 * Which number type a model computes in, as far as its stored weights tell. A model may store its
 * weights as float16 and read each one through a Cast to float32 (the bundled model does: half
 * the bytes, float32 arithmetic); such weights do not make the model a float16 model.
 */
import { DataType } from './onnxSchema';
import { allGraphs, readersByTensor, type OnnxModel, type OnnxNode } from './readModel';

/** Every node reading each tensor name, in the main graph and every subgraph (If/Loop/Scan
 *  bodies read outer-scope tensors by name). */
function readersInModel(model: OnnxModel): Map<string, OnnxNode[]> {
  return readersByTensor(allGraphs(model.graph).flatMap((g) => g.nodes));
}

function isCastToFloat32(node: OnnxNode): boolean {
  return node.opType === 'Cast' && node.attributes.get('to')?.int === DataType.FLOAT;
}

/**
 * The float16 and bfloat16 initializers that some node reads as they are (not through a Cast to
 * float32), by name: the model computes in that type there. Initializers nothing reads do not count.
 */
export function lowPrecisionWeights(model: OnnxModel): string[] {
  const readers = readersInModel(model);
  return [...model.graph.initializers.values()]
    .filter((t) => t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16)
    .filter((t) => (readers.get(t.name) ?? []).some((node) => !isCastToFloat32(node)))
    .map((t) => t.name);
}

/**
 * What the model's stored floats say of its arithmetic, from the initializers something reads:
 * 'float16 weights' when every read float16 initializer is read only through Casts to float32
 * (float32 arithmetic), else 'float16' or 'bfloat16' (whichever more initializers have), or
 * undefined when no read initializer is float16 or bfloat16.
 */
export function weightPrecision(model: OnnxModel): 'float16' | 'bfloat16' | 'float16 weights' | undefined {
  const readers = readersInModel(model);
  const read = [...model.graph.initializers.values()].filter((t) => (readers.get(t.name)?.length ?? 0) > 0);
  const half = read.filter((t) => t.dataType === DataType.FLOAT16);
  const bfloat = read.filter((t) => t.dataType === DataType.BFLOAT16);
  if (half.length === 0 && bfloat.length === 0) return undefined;
  if (half.length < bfloat.length) return 'bfloat16';
  return bfloat.length === 0 && half.every((t) => readers.get(t.name)!.every(isCastToFloat32)) ? 'float16 weights' : 'float16';
}
