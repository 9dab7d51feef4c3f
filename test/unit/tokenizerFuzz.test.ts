import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../../src/tokenizer';
import { assertRangeInvariants, FIXTURES, randomText, readFixture, seededRandom } from '../fixtures/tokenizers/tokenizerFixtures';

describe('tokenizer fuzz (seeded)', function () {
  // About 1.5 s here; mocha's default 2 s is too tight on a busy machine.
  this.timeout(20_000);

  it('keeps ranges exact for 10,000 random strings with the bundled byte-level BPE', () => {
    const tokenizer = loadTokenizer(readFileSync(FIXTURES.bundledBpe, 'utf8'));
    const random = seededRandom(20240601);
    for (let i = 0; i < 10_000; i++) {
      const text = randomText(random);
      // Byte-level BPE drops nothing, so the slices must rebuild the input exactly.
      assertRangeInvariants(text, tokenizer.encode(text), true);
    }
  });

  it('keeps ranges valid for 2,000 random strings with WordPiece and Unigram', function () {
    const tinyBert = readFixture(FIXTURES.tinyBert);
    if (!tinyBert) this.skip();
    const tokenizers = [loadTokenizer(tinyBert), loadTokenizer(readFileSync(FIXTURES.unigramByteFallback, 'utf8'))];
    const random = seededRandom(7);
    for (let i = 0; i < 2_000; i++) {
      const text = randomText(random);
      for (const tokenizer of tokenizers) {
        const tokens = tokenizer.encode(text);
        assertRangeInvariants(text, tokens, false);
        assert.ok(tokens.length >= 1);
      }
    }
  });
});
