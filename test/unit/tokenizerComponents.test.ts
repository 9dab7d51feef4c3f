/**
 * Each normalizer, pre-tokenizer, model and post-processor of tokenizer.json, in a small
 * tokenizer built here, against the native reference: ids equal, ranges valid and in order.
 */
import * as assert from 'node:assert/strict';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { loadTokenizer } from '../../src/tokenizer';
import { AlignedText } from '../../src/tokenizer/alignedText';
import { createPrecompiled } from '../../src/tokenizer/precompiled';
import { buildCharsmap } from '../fixtures/tokenizers/charsmap';
import { assertRangeInvariants, randomText, seededRandom } from '../fixtures/tokenizers/tokenizerFixtures';
import { precompiled as nativePrecompiled } from 'tokenizers';

/** A charsmap in the spirit of SentencePiece's nmt_nfkc: full-width forms, ligatures, a composed
 *  cluster, an ideographic space, and a two-letter key whose first letter also has an entry. */
const CHARSMAP = buildCharsmap({ 'Ａ': 'A', 'ｂ': 'b', 'Ｃ': 'C', '①': '1', 'e\u0301': 'é', '™': 'TM', '\u3000': ' ', 'ﬁ': 'fi', ab: 'X', a: 'α', '\u200b': '' });

const TEXTS = [
  'Hello, world! 12345 6789',
  "  don't  STOP\tme now...  ",
  'a\r\nb\rc\n\nd',
  'x = foo(bar_baz, 42) + qux[3];',
  'Café naïve ÅNGSTRÖM ﬁne ①② straße',
  'ＡｂＣ ① ﬁne™ e\u0301\u0301 abc\u3000a\u200bb',
  '中文字 and 日本語 mixed',
  '\u1100\u1161\u1102\u1161 e\u0301 \ufeffbom',
  '',
  '   ',
];

/** A WordLevel vocabulary holding every character of the texts and a few words, so unknowns are rare but present. */
function wordLevelVocab(): Record<string, number> {
  const vocab: Record<string, number> = { '[UNK]': 0, '[CLS]': 1, '[SEP]': 2, '<s>': 3, '</s>': 4, '▁': 5 };
  for (const word of ['Hello', 'world', ',', '!', '12345', '123', '45', 'don', "'", 't', 'STOP', 'me', 'now', '...', 'x', '=', 'foo', '(', 'bar_baz', '42', ')', '+', 'qux', '[', '3', ']', ';', '1', '2', '4', '5', '6', '7', '8', '9', '▁Hello', '▁world']) {
    if (!(word in vocab)) vocab[word] = Object.keys(vocab).length;
  }
  return vocab;
}

function tokenizerJson(stages: { normalizer?: object; pre_tokenizer?: object; post_processor?: object; model?: object }): string {
  return JSON.stringify({
    version: '1.0', truncation: null, padding: null, added_tokens: [], decoder: null,
    normalizer: null, pre_tokenizer: { type: 'WhitespaceSplit' }, post_processor: null,
    model: { type: 'WordLevel', vocab: wordLevelVocab(), unk_token: '[UNK]' },
    ...stages,
  });
}

const split = (pattern: object, behavior: string, invert = false) => ({ type: 'Split', pattern, behavior, invert });

const COMPONENTS: Record<string, string> = {
  'WordLevel model with WhitespaceSplit': tokenizerJson({}),
  'Whitespace pre-tokenizer': tokenizerJson({ pre_tokenizer: { type: 'Whitespace' } }),
  'BertPreTokenizer': tokenizerJson({ pre_tokenizer: { type: 'BertPreTokenizer' } }),
  'Punctuation (Isolated)': tokenizerJson({ pre_tokenizer: { type: 'Punctuation', behavior: 'Isolated' } }),
  'Punctuation (MergedWithNext)': tokenizerJson({ pre_tokenizer: { type: 'Punctuation', behavior: 'MergedWithNext' } }),
  'Digits (contiguous)': tokenizerJson({ pre_tokenizer: { type: 'Digits', individual_digits: false } }),
  'Digits (individual)': tokenizerJson({ pre_tokenizer: { type: 'Digits', individual_digits: true } }),
  'Metaspace prepend_scheme always': tokenizerJson({ pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true } }),
  'Metaspace prepend_scheme first': tokenizerJson({ pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true } }),
  'Metaspace prepend_scheme never, no split': tokenizerJson({ pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false } }),
  'ByteLevel with its regex': tokenizerJson({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } }),
  'ByteLevel without its regex': tokenizerJson({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } }),
  'Sequence of pre-tokenizers': tokenizerJson({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits', individual_digits: true }, { type: 'Punctuation', behavior: 'Isolated' }] } }),
  ...Object.fromEntries(
    ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].flatMap((behavior) => [
      [`Split Regex ${behavior}`, tokenizerJson({ pre_tokenizer: split({ Regex: '\\s+|\\d' }, behavior) })],
      [`Split Regex ${behavior} inverted`, tokenizerJson({ pre_tokenizer: split({ Regex: '\\w+' }, behavior, true) })],
      [`Split String ${behavior}`, tokenizerJson({ pre_tokenizer: split({ String: ' ' }, behavior) })],
    ]),
  ),
  'NFC': tokenizerJson({ normalizer: { type: 'NFC' } }),
  'NFD': tokenizerJson({ normalizer: { type: 'NFD' } }),
  'NFKC': tokenizerJson({ normalizer: { type: 'NFKC' } }),
  'NFKD': tokenizerJson({ normalizer: { type: 'NFKD' } }),
  'Lowercase': tokenizerJson({ normalizer: { type: 'Lowercase' } }),
  'Strip': tokenizerJson({ normalizer: { type: 'Strip', strip_left: true, strip_right: true } }),
  'Replace (regex) and Prepend in a Sequence': tokenizerJson({
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Replace', pattern: { Regex: '\\d+' }, content: '9' }, { type: 'Prepend', prepend: '▁' }] },
  }),
  'Precompiled (SentencePiece charsmap)': tokenizerJson({ normalizer: { type: 'Precompiled', precompiled_charsmap: CHARSMAP.toString('base64') } }),
  'BertProcessing': tokenizerJson({ post_processor: { type: 'BertProcessing', sep: ['[SEP]', 2], cls: ['[CLS]', 1] } }),
  'RobertaProcessing': tokenizerJson({ post_processor: { type: 'RobertaProcessing', sep: ['</s>', 4], cls: ['<s>', 3], trim_offsets: true, add_prefix_space: false } }),
  'TemplateProcessing (BOS)': tokenizerJson({
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], pair: [], special_tokens: { '<s>': { id: '<s>', ids: [3], tokens: ['<s>'] } } },
  }),
  'ByteLevel post-processor': tokenizerJson({ post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } }),
  'Sequence of post-processors': tokenizerJson({
    post_processor: { type: 'Sequence', processors: [{ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }, { type: 'BertProcessing', sep: ['[SEP]', 2], cls: ['[CLS]', 1] }] },
  }),
};

describe('tokenizer components equal the reference (small tokenizers built here)', function () {
  this.timeout(60_000);
  const random = seededRandom(1313);
  const texts = [...TEXTS, ...Array.from({ length: 60 }, () => randomText(random, 16))];
  for (const [name, json] of Object.entries(COMPONENTS)) {
    it(name, async () => {
      const reference = NativeTokenizer.fromString(json);
      const ours = loadTokenizer(json);
      for (const text of texts) {
        const tokens = ours.encode(text);
        assert.deepEqual(tokens.map((t) => t.id), (await reference.encode(text)).getIds(), `ids of ${JSON.stringify(text)}`);
        assertRangeInvariants(text, tokens, false);
      }
    });
  }
});

describe('Precompiled normalizer (SentencePiece charsmap) equals the reference', () => {
  it('normalises like the native package, cluster by cluster, with each replacement on its source', () => {
    const ours = createPrecompiled(CHARSMAP.toString('base64'), 'normalizer');
    const reference = nativePrecompiled([...CHARSMAP]);
    const random = seededRandom(77);
    for (const raw of [...TEXTS, ...Array.from({ length: 200 }, () => randomText(random, 16))]) {
      const text = raw.replace(/\p{Cs}/gu, '\ufffd'); // lone surrogates are replaced before normalisers run, as in the pipeline
      assert.equal(ours(AlignedText.fromSource(text)).text, reference.normalizeString(text), JSON.stringify(text));
    }
    const normalized = ours(AlignedText.fromSource('xＡe\u0301y'));
    assert.equal(normalized.text, 'xAéy');
    assert.deepEqual([normalized.starts, normalized.ends], [[0, 1, 2, 4], [1, 2, 4, 5]]);
  });

  it('names a malformed charsmap', () => {
    assert.throws(() => loadTokenizer(tokenizerJson({ normalizer: { type: 'Precompiled', precompiled_charsmap: 'AAAA' } })).encode('x'), /precompiled_charsmap|charsmap/);
    assert.throws(() => loadTokenizer(tokenizerJson({ normalizer: { type: 'Precompiled', precompiled_charsmap: Buffer.from([64, 0, 0, 0, 1]).toString('base64') } })), /declares a 64-byte trie/);
  });
});
