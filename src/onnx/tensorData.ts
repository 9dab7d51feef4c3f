/**
 * Converts an initializer's stored data to typed arrays. ONNX stores tensor data either as
 * raw little-endian bytes (raw_data) or in a typed repeated field (float_data, int64_data...);
 * both are handled so callers never look at the storage form.
 */
import { float16ToNumber } from '../shared/float16';
import { DataType } from './onnxSchema';
import { OnnxFormatError } from './onnxFormatError';
import type { OnnxTensor } from './readModel';

/** Number of elements the dims describe (1 for a scalar). */
export function elementCount(tensor: OnnxTensor): number {
  return tensor.dims.reduce((n, d) => n * d, 1);
}

/** FLOAT, FLOAT16 and DOUBLE tensors as Float32Array. */
export function tensorToFloat32(tensor: OnnxTensor): Float32Array {
  requireInlineData(tensor);
  const count = elementCount(tensor);
  let values: Float32Array;
  switch (tensor.dataType) {
    case DataType.FLOAT:
      values = tensor.rawData ? new Float32Array(rawBuffer(tensor, tensor.rawData, 4)) : Float32Array.from(tensor.floatData);
      break;
    case DataType.DOUBLE:
      values = Float32Array.from(tensor.rawData ? new Float64Array(rawBuffer(tensor, tensor.rawData, 8)) : tensor.doubleData);
      break;
    case DataType.FLOAT16: {
      // Non-raw float16 values are stored as their bit patterns in int32_data.
      const bits = tensor.rawData ? new Uint16Array(rawBuffer(tensor, tensor.rawData, 2)) : tensor.int32Data;
      values = Float32Array.from(bits, float16ToNumber);
      break;
    }
    default:
      throw new OnnxFormatError('unsupported', `Tensor '${tensor.name}' has data type ${tensor.dataType}, not a float type.`);
  }
  return checkLength(tensor, values, count);
}

/** INT64 and INT32 tensors as BigInt64Array (exact). */
export function tensorToBigInt64(tensor: OnnxTensor): BigInt64Array {
  requireInlineData(tensor);
  const count = elementCount(tensor);
  let values: BigInt64Array;
  switch (tensor.dataType) {
    case DataType.INT64:
      values = tensor.rawData
        ? new BigInt64Array(rawBuffer(tensor, tensor.rawData, 8))
        : BigInt64Array.from(tensor.int64Data, (v) => BigInt(v.toString()));
      break;
    case DataType.INT32: {
      const ints = tensor.rawData ? new Int32Array(rawBuffer(tensor, tensor.rawData, 4)) : tensor.int32Data;
      values = BigInt64Array.from(ints, (v) => BigInt(v));
      break;
    }
    default:
      throw new OnnxFormatError('unsupported', `Tensor '${tensor.name}' has data type ${tensor.dataType}, not an integer type.`);
  }
  return checkLength(tensor, values, count);
}

function requireInlineData(tensor: OnnxTensor): void {
  if (tensor.externalLocation !== undefined) {
    throw new OnnxFormatError(
      'external-data',
      `Tensor '${tensor.name}' keeps its data in an external file ('${tensor.externalLocation}'). ` +
        'Models with external data are not supported; save the model as a single .onnx file.',
    );
  }
}

function checkLength<T extends { length: number }>(tensor: OnnxTensor, values: T, count: number): T {
  if (values.length !== count) {
    throw new OnnxFormatError('corrupt', `Tensor '${tensor.name}' holds ${values.length} values, its dims [${tensor.dims.join(', ')}] need ${count}.`);
  }
  return values;
}

/** raw_data can start at any byte offset in the file; typed arrays need an aligned buffer. */
function rawBuffer(tensor: OnnxTensor, bytes: Uint8Array, bytesPerElement: number): ArrayBuffer {
  if (bytes.length % bytesPerElement !== 0) {
    throw new OnnxFormatError('corrupt', `Tensor '${tensor.name}' has ${bytes.length} raw bytes, not a multiple of ${bytesPerElement}.`);
  }
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
