// Pooling a T x T matrix down to a thumbnail.
import * as assert from 'node:assert/strict';
import { downsample, pooledSide } from '../../src/shared/downsample';
import { close } from '../support/numeric';

describe('downsampling', () => {
  const m = Float32Array.from({ length: 16 }, (_, i) => i);
  it('max-pools and mean-pools 4x4 to 2x2', () => {
    close(downsample(m, 4, 2, 'max'), [5, 7, 13, 15]);
    close(downsample(m, 4, 2, 'mean'), [2.5, 4.5, 10.5, 12.5]);
  });
  it('keeps a matrix that already fits, and pools uneven sizes', () => {
    close(downsample(m, 4, 64, 'max'), m);
    assert.equal(pooledSide(4, 64), 4);
    // 3x3 -> 2x2: rows/cols 0,1 go to bin 0, row/col 2 to bin 1.
    const n = Float32Array.from({ length: 9 }, (_, i) => i);
    close(downsample(n, 3, 2, 'max'), [4, 5, 7, 8]);
    close(downsample(n, 3, 2, 'mean'), [2, 3.5, 6.5, 8]);
  });
});
