import * as assert from 'node:assert/strict';
import { bracketPairs, bracketScore, entropy, inductionScore, previousTokenScore, sparsity } from '../../src/shared/headScores';

/** Rows written out as nested arrays, flattened to the T*T row-major layout the scores take. */
const matrix = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

const close = (actual: number, expected: number): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `expected ${expected}, got ${actual}`);

describe('headScores', function () {
  // A causal head that puts most weight on the previous token.
  const previousTokenHead = matrix([
    [1, 0, 0, 0],
    [0.8, 0.2, 0, 0],
    [0.1, 0.6, 0.3, 0],
    [0, 0.1, 0.5, 0.4],
  ]);

  describe('previousTokenScore', function () {
    it('averages the weight on i-1 over rows 1..T-1', function () {
      close(previousTokenScore(previousTokenHead), (0.8 + 0.6 + 0.5) / 3);
    });

    it('is 1 for an exact shift and 0 for a diagonal head', function () {
      close(previousTokenScore(matrix([[1, 0, 0], [1, 0, 0], [0, 1, 0]])), 1);
      close(previousTokenScore(matrix([[1, 0], [0, 1]])), 0);
    });

    it('rejects a non-square matrix', function () {
      assert.throws(() => previousTokenScore(new Float32Array(5)), /T\*T/);
    });
  });

  describe('bracketPairs', function () {
    it('pairs nested brackets across tokens and skips pairs inside one token', function () {
      // tokens:        0     1    2    3    4     5    6
      const tokens = ['f', '(', 'a', '[', '()', ']', ')'];
      assert.deepEqual(bracketPairs(tokens), [
        { opener: 3, closer: 5 },
        { opener: 1, closer: 6 },
      ]);
    });

    it('ignores a closer that does not match the innermost opener', function () {
      assert.deepEqual(bracketPairs(['{', ')', 'x', '}']), [{ opener: 0, closer: 3 }]);
    });

    it('finds brackets inside multi-character tokens', function () {
      assert.deepEqual(bracketPairs(['Ġfoo(', 'x', '):']), [{ opener: 0, closer: 2 }]);
    });
  });

  describe('bracketScore', function () {
    // tokens: "(" "a" "b" ")" — the closer (row 3) is the only pair.
    const tokens = ['(', 'a', 'b', ')'];

    it('is 1 when the closer attends most to its opener', function () {
      const head = matrix([
        [1, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.3, 0.3, 0.4, 0],
        [0.7, 0.1, 0.1, 0.1],
      ]);
      close(bracketScore(head, tokens), 1);
    });

    it('is 0 when the closer attends most elsewhere', function () {
      const head = matrix([
        [1, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.3, 0.3, 0.4, 0],
        [0.3, 0.1, 0.6, 0],
      ]);
      close(bracketScore(head, tokens), 0);
    });

    it('counts the fraction of closers that find their opener', function () {
      // "(" "(" ")" ")" : pairs (1,2) and (0,3); row 2 finds 1, row 3 looks at 2 instead of 0.
      const head = matrix([
        [1, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.1, 0.8, 0.1, 0],
        [0.2, 0.2, 0.5, 0.1],
      ]);
      close(bracketScore(head, ['(', '(', ')', ')']), 0.5);
    });

    it('is NaN without pairs and rejects a token count that does not fit', function () {
      assert.ok(Number.isNaN(bracketScore(previousTokenHead, ['a', 'b', 'c', 'd'])));
      assert.throws(() => bracketScore(previousTokenHead, ['a']), /token texts/);
    });
  });

  describe('inductionScore', function () {
    it('averages the weight from i to i-L+1 over the second copy', function () {
      // Block of L = 2 repeated: positions 0 1 | 2 3. Row 2 -> key 1, row 3 -> key 2.
      const head = matrix([
        [1, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.2, 0.7, 0.1, 0],
        [0.1, 0.1, 0.6, 0.2],
      ]);
      close(inductionScore(head, 2), (0.7 + 0.6) / 2);
    });

    it('rejects a block that does not fit twice', function () {
      assert.throws(() => inductionScore(previousTokenHead, 3), /does not fit/);
    });
  });

  describe('entropy', function () {
    it('is the mean row entropy in bits', function () {
      // Rows: one-hot (0 bits), uniform over 2 (1 bit), uniform over 4 (2 bits), one-hot.
      const head = matrix([
        [1, 0, 0, 0],
        [0.5, 0.5, 0, 0],
        [0.25, 0.25, 0.25, 0.25],
        [0, 0, 0, 1],
      ]);
      close(entropy(head), (0 + 1 + 2 + 0) / 4);
    });
  });

  describe('sparsity', function () {
    it('is 0 when every attendable key is needed for 90% of the weight', function () {
      close(sparsity(matrix([[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])), 0);
    });

    it('counts the share of attendable keys outside the 90% mass', function () {
      // Row 0 has one attendable key: skipped. Row 1: 0.95 alone reaches 90% -> 1 - 1/2.
      // Row 2: 0.6 + 0.35 reaches 90% -> 1 - 2/3.
      const head = matrix([
        [1, 0, 0],
        [0.05, 0.95, 0],
        [0.6, 0.35, 0.05],
      ]);
      close(sparsity(head), (1 / 2 + 1 / 3) / 2);
    });

    it('is NaN when no row has two attendable keys', function () {
      assert.ok(Number.isNaN(sparsity(matrix([[1]]))));
    });

    it('equals the definition (each row sorted, largest weights first) on random causal heads with ties and zeros', function () {
      let seed = 11;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const definition = (attn: Float32Array, T: number) => {
        let total = 0;
        let rows = 0;
        for (let i = 0; i < T; i++) {
          const row = Array.from(attn.subarray(i * T, (i + 1) * T)).filter((p) => p > 0).sort((a, b) => b - a);
          if (row.length < 2) continue;
          let kept = 0;
          let needed = 0;
          while (needed < row.length && kept < 0.9 - 1e-6) kept += row[needed++]!;
          total += 1 - needed / row.length;
          rows++;
        }
        return rows === 0 ? NaN : total / rows;
      };
      for (const T of [2, 7, 40]) {
        const attn = new Float32Array(T * T);
        for (let i = 0; i < T; i++) {
          // Weights from a few levels, so ties are common, and some attendable keys left at 0.
          const raw = Array.from({ length: i + 1 }, () => (random() < 0.2 ? 0 : Math.ceil(random() * 4) ** 3));
          const sum = raw.reduce((a, b) => a + b, 0) || 1;
          raw.forEach((w, j) => (attn[i * T + j] = w / sum));
        }
        assert.equal(sparsity(attn), definition(attn, T), `T = ${T}`);
      }
    });
  });
});
