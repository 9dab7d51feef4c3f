/**
 * Output tensor data as float32 for the views, whatever float type the model computed in:
 * float16 (IEEE 754 binary16 bit patterns, as onnxruntime-web returns them in a Uint16Array),
 * float64, or float32 (returned as is, not copied).
 */
import { float16ToNumber } from '../shared/float16';

/** Throws TypeError for a non-float type. */
export function toFloat32(type: string, data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (type === 'float16' && data instanceof Uint16Array) return Float32Array.from(data, float16ToNumber);
  if ((type === 'float16' || type === 'float64') && ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new TypeError(`an output of type ${type} is not a float tensor`);
}
