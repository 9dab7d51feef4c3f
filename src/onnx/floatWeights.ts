/**
 * Which number type a model computes in, as far as its stored weights tell. A model may store its
 * weights as float16 and read each one through a Cast to float32 (the bundled model does: half
 * the bytes, float32 arithmetic); such weights do not make the model a float16 model.
 */
import { DataType } from './onnxSchema';
import type { OnnxModel } from './readModel';

/** Whether every node reading tensor `name` is a Cast to float32 (and at least one reads it). */
export function readOnlyAsFloat32(model: OnnxModel, name: string): boolean {
  const readers = model.graph.nodes.filter((n) => n.inputs.includes(name));
  return readers.length > 0 && readers.every((n) => n.opType === 'Cast' && n.attributes.get('to')?.int === DataType.FLOAT);
}

/** float16 or bfloat16 initializers that the graph computes with as they are (not cast to
 *  float32 on reading), by name. */
export function lowPrecisionWeights(model: OnnxModel): string[] {
  return [...model.graph.initializers.values()]
    .filter((t) => (t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16) && !readOnlyAsFloat32(model, t.name))
    .map((t) => t.name);
}
