import type { Int64 } from './onnxSchema';

/**
 * int64 as a JS number. Dims, opset versions and ordinary attributes are far below 2^53; the
 * values above it in real graphs are sentinels such as INT64_MAX for "to the end" in Slice, which
 * stay recognisably huge after rounding. Exact int64 tensor data is available as BigInt64Array
 * from tensorToBigInt64.
 */
export function int64ToNumber(value: Int64 | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
