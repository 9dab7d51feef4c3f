import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../../src/tokenizer';
import type { SourceToken } from '../../src/shared/tokens';
import { assertRangeInvariants, FIXTURES, readFixture } from '../fixtures/tokenizers/tokenizerFixtures';

const plain = (tokens: readonly SourceToken[]) => tokens.filter((token) => !token.special);
const texts = (tokens: readonly SourceToken[]) => plain(tokens).map((token) => token.text);

/** Texts every tokenizer must handle with exact ranges. */
const EDGE_CASES: Record<string, string> = {
  ascii: 'const total = items.reduce((sum, x) => sum + x.price, 0);',
  crlf: 'line one\r\nline two\r\n\r\nend',
  tabs: '\tif (x) {\n\t\treturn y;\n\t}',
  emoji: 'ok 😀 done 🎉🎉',
  surrogatePairs: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁 x',
  zwjSequence: 'family: 👨‍👩‍👧‍👦 flag: 🏳️‍🌈 skin: 👍🏽',
  combiningMarks: 'e\u0301 a\u0308\u0304 Z\u0335\u0321',
  rtl: 'مرحبا بالعالم שלום עולם',
  cjk: '漢字とかな混じり文 中文测试 한국어',
  empty: '',
  whitespaceOnly: ' \t \r\n  ',
  loneSurrogates: 'a\ud800b\udc00 \udbff',
};

describe('tokenizer', () => {
  describe('byte-level BPE (bundled tokenizer)', () => {
    const tokenizer = loadTokenizer(readFileSync(FIXTURES.bundledBpe, 'utf8'));

    it('reports its kind and vocabulary size', () => {
      assert.equal(tokenizer.kind, 'BPE');
      assert.equal(tokenizer.vocabSize, 4096);
    });

    for (const [name, text] of Object.entries(EDGE_CASES)) {
      it(`covers every code unit of ${name} text exactly once`, () => {
        const tokens = tokenizer.encode(text);
        assertRangeInvariants(text, tokens, true);
        assert.equal(tokens.length === 0, text === '');
      });
    }

    it('keeps spaces with the following word and CRLF as source text', () => {
      assert.deepEqual(texts(tokenizer.encode('x = 1')), ['x', ' =', ' 1']);
      assert.deepEqual(texts(tokenizer.encode('a\r\nb')), ['a', '\r', '\n', 'b']);
    });

    it('gives a split character to the token that completes it; earlier fragments are empty at its start', () => {
      // The bundled vocabulary has no merge for 😀's four UTF-8 bytes: four tokens share it.
      assert.deepEqual(
        tokenizer.encode('a😀').map((t) => [t.text, t.start, t.end]),
        [['a', 0, 1], ['', 1, 1], ['', 1, 1], ['', 1, 1], ['😀', 1, 3]],
      );
    });

    it('treats a lone surrogate as U+FFFD covering its one code unit', () => {
      const text = 'x\ud800y';
      const tokens = tokenizer.encode(text);
      assertRangeInvariants(text, tokens, true);
      const replacement = tokenizer.encode('x\ufffdy');
      assert.deepEqual(tokens.map((t) => t.id), replacement.map((t) => t.id));
      assert.deepEqual(tokens.map((t) => [t.start, t.end]), replacement.map((t) => [t.start, t.end]));
    });

    it('adds no special tokens when the file has no post-processor', () => {
      assert.ok(tokenizer.encode('hello').every((t) => !t.special));
    });
  });

  describe('WordPiece (BERT)', () => {
    let tinyBert: TextTokenizer | undefined;
    let bertCased: TextTokenizer | undefined;
    before(function () {
      const tiny = readFixture(FIXTURES.tinyBert);
      const cased = readFixture(FIXTURES.bertBaseCased);
      if (!tiny || !cased) this.skip();
      tinyBert = loadTokenizer(tiny);
      bertCased = loadTokenizer(cased);
    });

    it('reports its kind and vocabulary size (model type inferred where the file omits it)', () => {
      assert.equal(tinyBert?.kind, 'WordPiece');
      assert.equal(tinyBert?.vocabSize, 1656);
      assert.equal(bertCased?.kind, 'WordPiece');
      assert.equal(bertCased?.vocabSize, 28996);
    });

    it('wraps the text in [CLS] … [SEP] with empty ranges at its ends', () => {
      const text = 'it is a truth';
      const tokens = tinyBert!.encode(text);
      assert.deepEqual(tokens[0], { id: 3, text: '[CLS]', start: 0, end: 0, special: true });
      assert.deepEqual(tokens[tokens.length - 1], { id: 1, text: '[SEP]', start: text.length, end: text.length, special: true });
      assert.deepEqual(tinyBert!.encode(text, { addSpecialTokens: false }), tokens.slice(1, -1));
      assert.deepEqual(tinyBert!.encode(''), [tokens[0], { ...tokens[tokens.length - 1], start: 0, end: 0 }]);
    });

    it('maps lowercased, accent-stripped tokens back to the original characters', () => {
      const text = 'Café NAÏVE résumé';
      const tokens = tinyBert!.encode(text);
      assertRangeInvariants(text, tokens, false);
      assert.equal(texts(tokens).join(''), 'CaféNAÏVErésumé');
      assert.ok(texts(tokens).some((t) => t.endsWith('é')));
      // Decomposed input: the stripped combining mark belongs to no token, as in the reference.
      assert.deepEqual(plain(tinyBert!.encode('Cafe\u0301')).map((t) => [t.text, t.start, t.end]), [['C', 0, 1], ['af', 1, 3], ['e', 3, 4]]);
    });

    it('keeps case and accents in bert-base-cased', () => {
      const tokens = plain(bertCased!.encode('Café'));
      assert.equal(tokens.map((t) => t.text).join(''), 'Café');
      assert.notDeepEqual(tokens.map((t) => t.id), plain(bertCased!.encode('cafe')).map((t) => t.id));
    });

    it('covers no dropped whitespace or control characters', () => {
      const text = '  a\t\r\nb \u0000 ';
      const tokens = plain(tinyBert!.encode(text));
      assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[2, 3], [6, 7]]);
      assert.deepEqual(plain(tinyBert!.encode(' \t \r\n  ')), []);
    });

    for (const [name, text] of Object.entries(EDGE_CASES)) {
      it(`keeps ranges valid for ${name} text`, () => {
        assertRangeInvariants(text, tinyBert!.encode(text), false);
        assertRangeInvariants(text, bertCased!.encode(text), false);
      });
    }

    it('isolates CJK ideographs and punctuation', () => {
      assert.deepEqual(texts(bertCased!.encode('中文,x')), ['中', '文', ',', 'x']);
    });

    it('matches special tokens written in the text as single tokens with their source range', () => {
      const tokens = plain(tinyBert!.encode('a [SEP] b'));
      assert.deepEqual(tokens.map((t) => [t.id, t.text, t.start, t.end]), [[tokens[0].id, 'a', 0, 1], [1, '[SEP]', 2, 7], [tokens[2].id, 'b', 8, 9]]);
    });
  });

  describe('Unigram (SentencePiece-style, with Metaspace)', () => {
    const tokenizer = loadTokenizer(readFileSync(FIXTURES.unigram, 'utf8'));
    const withBytes = loadTokenizer(readFileSync(FIXTURES.unigramByteFallback, 'utf8'));

    it('reports its kind and appends </s>', () => {
      assert.equal(tokenizer.kind, 'Unigram');
      const tokens = tokenizer.encode('the café');
      assert.deepEqual(tokens[tokens.length - 1], { id: 2, text: '</s>', start: 8, end: 8, special: true });
    });

    it('maps each ▁ to the space it replaced, and the prepended one to nothing', () => {
      assert.deepEqual(texts(tokenizer.encode('the café', { addSpecialTokens: false })), ['the', ' café']);
    });

    it('maps NFKC expansions back to the source character', () => {
      // U+FB01 (ﬁ) normalises to "fi", U+2460 (①) to "1".
      const text = 'ﬁne ①';
      const tokens = tokenizer.encode(text);
      assertRangeInvariants(text, tokens, false);
      assert.equal(texts(tokens).join(''), text);
    });

    for (const [name, text] of Object.entries(EDGE_CASES)) {
      it(`keeps ranges valid for ${name} text`, () => {
        assertRangeInvariants(text, tokenizer.encode(text), false);
        assertRangeInvariants(text, withBytes.encode(text), false);
      });
    }

    it('gives byte-fallback tokens of one character a single owner', () => {
      const text = 'x丁';
      const tokens = plain(withBytes.encode(text));
      assertRangeInvariants(text, tokens, false);
      assert.deepEqual(tokens.slice(-3).map((t) => [t.start, t.end]), [[1, 1], [1, 1], [1, 2]]);
    });
  });

  describe('loadTokenizer errors', () => {
    const rejects = (json: string, pattern: RegExp) => assert.throws(() => loadTokenizer(json), (error: unknown) => error instanceof TokenizerError && pattern.test(error.message));

    it('explains invalid JSON and Git LFS pointers', () => {
      rejects('{"model": ', /not valid JSON.*Git LFS/);
      rejects('version https://git-lfs.github.com/spec/v1\noid sha256:abc\n', /not valid JSON/);
    });

    it('explains a file without a model', () => {
      rejects('{}', /no "model" section/);
      rejects('[]', /top level should be an object/);
    });

    it('names unsupported components', () => {
      rejects('{"model": {"type": "CharLevel", "vocab": {}}}', /model\.type uses the "CharLevel" model/);
      const bert = JSON.parse(readFileSync(FIXTURES.unigram, 'utf8'));
      rejects(JSON.stringify({ ...bert, normalizer: { type: 'Nmt' } }), /normalizer\.type uses the "Nmt" normalizer/);
      rejects(JSON.stringify({ ...bert, pre_tokenizer: { type: 'UnicodeScripts' } }), /pre_tokenizer\.type uses the "UnicodeScripts"/);
    });

    it('names malformed fields', () => {
      rejects('{"model": {"type": "BPE", "vocab": {"a": -1}, "merges": []}}', /model\.vocab\["a"\] should be a non-negative integer/);
      rejects('{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a"]}}', /model\.merges\[0\] should be a merge/);
      rejects('{"model": {"type": "WordPiece", "vocab": {"a": 0}, "unk_token": "[UNK]"}}', /unk_token "\[UNK\]" is not in the vocabulary/);
      rejects('{"model": {"type": "Unigram", "vocab": [["a", -1]]}}', /unk_id is missing/);
    });
  });

  it('imports neither vscode nor the DOM, and not the native tokenizers package', () => {
    const dir = path.resolve(__dirname, '..', '..', 'src', 'tokenizer');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      assert.doesNotMatch(source, /from 'vscode'|from 'tokenizers'|require\('tokenizers'\)|\bdocument\.|\bwindow\./, file);
    }
  });
});
