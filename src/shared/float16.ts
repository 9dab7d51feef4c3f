/**
 * IEEE 754 binary16 and bfloat16 bit patterns to numbers (IEEE 754-2008 §3.6; bfloat16 is the top
 * half of a binary32). Table-free so nothing is allocated at load.
 */

/** binary16: 1 sign, 5 exponent (bias 15), 10 significand bits; subnormals, infinities and NaN kept. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const scratch = new DataView(new ArrayBuffer(4));

/** bfloat16: the 16 high bits of a binary32. */
export function bfloat16ToNumber(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16);
  return scratch.getFloat32(0);
}

/** A number as the nearest binary16 bit pattern (round half to even; overflow to infinity). */
export function numberToFloat16(value: number): number {
  scratch.setFloat32(0, value);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00;
  if (unbiased >= -14) {
    // Normal: keep 10 of 23 significand bits, rounding the 13 dropped ones half to even.
    let half = ((unbiased + 15) << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
    return sign | half;
  }
  if (unbiased < -25) return sign;
  // Subnormal: the implicit leading 1 becomes explicit and is shifted into place.
  const full = mantissa | 0x800000;
  const shift = -unbiased - 1;
  let half = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && half & 1)) half++;
  return sign | half;
}
