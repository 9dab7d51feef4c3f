// The reader's fast float16/bfloat16 decoding gives exactly what the scalar conversions give, for
// every bit pattern, at any byte offset.
import * as assert from 'node:assert/strict';
import { decodeHalves } from '../../src/shared/attentionFile/tensorData';
import { bfloat16ToNumber, float16ToNumber } from '../../src/shared/float16';

function allPatterns(offset: number): Uint8Array {
  const bytes = new Uint8Array(offset + 65536 * 2);
  const view = new DataView(bytes.buffer);
  for (let bits = 0; bits < 65536; bits++) view.setUint16(offset + bits * 2, bits, true);
  return bytes.subarray(offset);
}

describe('attention file: float16 and bfloat16 decoding', function () {
  for (const offset of [0, 1]) {
    it(`decodes all 65,536 patterns like the scalar conversions (byte offset ${offset})`, function () {
      for (const [dtype, scalar] of [
        ['F16', float16ToNumber],
        ['BF16', bfloat16ToNumber],
      ] as const) {
        const out = new Float32Array(65536);
        decodeHalves(allPatterns(offset), dtype, out);
        for (let bits = 0; bits < 65536; bits++) {
          const expected = Math.fround(scalar(bits));
          if (!Object.is(out[bits], expected) && !(Number.isNaN(out[bits]) && Number.isNaN(expected))) {
            assert.fail(`${dtype} 0x${bits.toString(16)}: ${out[bits]} instead of ${expected}`);
          }
        }
      }
    });
  }
});
