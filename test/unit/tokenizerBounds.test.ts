/**
 * Tokenizer work stays linear or bounded on crafted inputs: an lstrip/rstrip added token over
 * whitespace-heavy text, WordPiece told to accept 1M-character words, a Replace normalizer that
 * would multiply the text. Sizes are chosen so a quadratic or cubic implementation would run for
 * minutes (the test's timeout fails it); nothing here measures time.
 */
import * as assert from 'node:assert/strict';
import { loadTokenizer, TokenizerError } from '../../src/tokenizer';

function json(model: object, stages: object = {}, added: object[] = []): string {
  return JSON.stringify({ version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...stages, model });
}

describe('tokenizer work is bounded on hostile input', function () {
  this.timeout(30_000);

  it('an lstrip/rstrip added token over 200,000 spaces', () => {
    const tokenizer = loadTokenizer(
      json({ type: 'WordLevel', vocab: { '[UNK]': 0, '<mask>': 1 }, unk_token: '[UNK]' }, { pre_tokenizer: { type: 'WhitespaceSplit' } }, [
        { id: 1, content: '<mask>', single_word: false, lstrip: true, rstrip: true, normalized: false, special: true },
      ]),
    );
    const text = `${' '.repeat(100_000)}<mask>${' '.repeat(100_000)}<mask>x`;
    const tokens = tokenizer.encode(text);
    assert.deepEqual(tokens.map((t) => [t.id, t.start, t.end]), [[1, 0, 200_006], [1, 200_006, 200_012], [0, 200_012, 200_013]]);
  });

  it('WordPiece with max_input_chars_per_word 1,000,000 on a 20,000-character word', () => {
    const tokenizer = loadTokenizer(json({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 1_000_000, vocab: { '[UNK]': 0, a: 1, '##a': 2, '##aa': 3 } }));
    const tokens = tokenizer.encode('a'.repeat(20_001));
    assert.equal(tokens.length, 1 + 10_000);
    assert.deepEqual([tokens[0].id, tokens[1].id], [1, 3]);
  });

  it('a Replace normalizer that would grow the text past 8 times is refused, naming it', () => {
    const tokenizer = loadTokenizer(
      json({ type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' }, { normalizer: { type: 'Replace', pattern: { String: 'a' }, content: 'b'.repeat(100) } }),
    );
    assert.throws(() => tokenizer.encode('a'.repeat(100_000)), (error: unknown) => error instanceof TokenizerError && /normalizer \(Replace\).*more than 8 times/.test(error.message));
    assert.equal(tokenizer.encode('a b').length, 1, 'small growth on short text is fine');
  });
});
