// Bad input: huge texts, binary-looking text, long lines, CRLF, tabs, every Unicode plane, and
// documents closed or edited while the model runs. The Analyzer is driven with a fake runner so
// the ordering is exact; the tokenizer is the bundled one.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Analyzer, DOCUMENT_CLOSED_MESSAGE, type AnalysisRequest, type ModelRunner } from '../../src/attention/analyzer';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { MAX_TOKEN_SPAN, capAnalysisText, encodePrefix, sendCap, textCap } from '../../src/shared/textCap';
import { truncateTokens } from '../../src/inference/truncateTokens';
import type { InferenceOutput, ModelInfo } from '../../src/inference/workerProtocol';
import { seededRandom } from '../../src/shared/seededRandom';
import { loadTokenizer, type TextTokenizer } from '../../src/tokenizer';
import { FIXTURES, assertRangeInvariants, randomText, readFixture } from '../fixtures/tokenizers/tokenizerFixtures';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TOKENIZER_JSON = path.join(REPO_ROOT, 'media', 'model', 'tokenizer.json');

let tokenizer: TextTokenizer;
before(() => {
  tokenizer = loadTokenizer(readFileSync(TOKENIZER_JSON, 'utf8'));
});

/** Random bytes read as Latin-1: NUL and control characters included, as a binary file opened as text looks. */
function randomBytesText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(random() * 256));
  return text;
}

/** Long texts mixing code, whitespace runs of every kind, binary bytes and Unicode from every plane. */
function longRandomText(random: () => number, minLength: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < minLength) {
    const pick = random();
    let part: string;
    if (pick < 0.3) part = randomText(random, 40);
    else if (pick < 0.45) part = [' ', '\t', '\n', '\r\n', '\u3000'][Math.floor(random() * 5)].repeat(1 + Math.floor(random() * 300));
    else if (pick < 0.55) part = randomBytesText(random, 1 + Math.floor(random() * 100));
    else if (pick < 0.65) part = '*'.repeat(1 + Math.floor(random() * 400));
    else part = 'const value_' + Math.floor(random() * 1000) + ' = compute(a, b);\n';
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

describe('reliability: text cap before tokenizing', function () {
  this.timeout(60_000);

  it('no token of the bundled tokenizer covers more than MAX_TOKEN_SPAN UTF-16 units', () => {
    const vocab = (JSON.parse(readFileSync(TOKENIZER_JSON, 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    // Byte-level BPE: one vocabulary character per byte, and a UTF-16 unit is at least one byte.
    const longest = Math.max(...Object.keys(vocab).map((k) => k.length));
    assert.ok(longest <= MAX_TOKEN_SPAN, `longest vocabulary entry: ${longest}`);
    // Whitespace runs are one pre-token each; BPE still splits them into vocabulary entries.
    for (const run of [' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '*', 'a', '\u0000', '😀'].map((c) => c.repeat(5000))) {
      for (const token of tokenizer.encode(run)) assert.ok(token.end - token.start <= MAX_TOKEN_SPAN, JSON.stringify(token));
    }
  });

  it('leaves texts within the cap alone and cuts longer ones at a line start or between surrogate halves never', () => {
    assert.deepEqual(capAnalysisText('short', 4), { text: 'short', capped: false });
    const cap = textCap(4);
    assert.equal(cap, 4 * MAX_TOKEN_SPAN * 2);
    const lines = 'x'.repeat(cap * 0.75 - 1) + '\n' + 'y'.repeat(cap);
    assert.deepEqual(capAnalysisText(lines, 4), { text: 'x'.repeat(cap * 0.75 - 1) + '\n', capped: true });
    const astral = '😀'.repeat(cap);
    const cut = capAnalysisText(astral, 4);
    assert.ok(cut.capped && cut.text.length <= cap && cut.text === '😀'.repeat(cut.text.length / 2));
    const crlf = 'ab\r\n'.repeat(cap);
    assert.ok(capAnalysisText(crlf, 4).text.endsWith('\r\n'), 'CRLF pairs stay whole');
  });

  it('a 10 MB text is cut to textCap(maxTokens) units before it reaches the worker', () => {
    const huge = 'let x = 1; // some code\n'.repeat(Math.ceil(10_000_000 / 24));
    const { text, capped } = capAnalysisText(huge, 512);
    assert.ok(capped && text.length <= textCap(512) && text.length >= textCap(512) / 2);
    // What the worker then tokenizes is bounded: the first 512 tokens are the same as the full text's.
    const kept = truncateTokens(tokenizer.encode(text), 512).tokens;
    const reference = truncateTokens(tokenizer.encode(huge.slice(0, 200_000)), 512).tokens;
    assert.deepEqual(kept, reference);
  });

  it('encodes one prefix of textCap(maxTokens) units for the bundled tokenizer, whose tokens are short', () => {
    const huge = 'let x = 1; // some code\n'.repeat(20_000);
    const encoded: number[] = [];
    const { tokens, capped } = encodePrefix(huge, 512, (part) => {
      encoded.push(part.length);
      return tokenizer.encode(part);
    });
    assert.ok(capped);
    assert.equal(encoded.length, 1);
    assert.ok(encoded[0] <= textCap(512));
    assert.deepEqual(truncateTokens(tokens, 512).tokens, truncateTokens(tokenizer.encode(huge.slice(0, 200_000)), 512).tokens);
  });

  it('grows the prefix per tokenizer: WordPiece [UNK] words of 200 characters keep the first maxTokens tokens exactly', function () {
    const json = readFixture(FIXTURES.tinyBert);
    if (json === undefined) return this.skip();
    const wordPiece = loadTokenizer(json);
    // A word over max_input_chars_per_word (100) is one [UNK] token of 200 units: 64 tokens cover
    // 12,864 units, more than textCap(64) = 8,192 holds at all.
    const random = seededRandom(77);
    const word = () => Array.from({ length: 200 }, () => 'abcdefghij'[Math.floor(random() * 10)]).join('');
    const full = Array.from({ length: 400 }, word).join(' ');
    const encoded: number[] = [];
    const { tokens, capped } = encodePrefix(full, 64, (part) => {
      encoded.push(part.length);
      return wordPiece.encode(part);
    });
    assert.ok(capped);
    assert.deepEqual(encoded, [textCap(64), 2 * textCap(64), 4 * textCap(64)]);
    const fromPrefix = truncateTokens(tokens, 64).tokens;
    assert.equal(fromPrefix.length, 64);
    assert.deepEqual(fromPrefix, truncateTokens(wordPiece.encode(full), 64).tokens);
    // A single cut at textCap(64), as before, kept 43 of the 64 tokens the model takes, the last
    // of them a word the cut had split.
    const oneCut = truncateTokens(wordPiece.encode(capAnalysisText(full, 64).text), 64).tokens;
    assert.equal(oneCut.length, 43);
    assert.notDeepEqual(oneCut.slice(0, 42), fromPrefix.slice(0, 42));
  });

  it('keeps the first maxTokens tokens exactly as the whole text gives them (300 seeded random long texts)', () => {
    const random = seededRandom(4242);
    for (let i = 0; i < 300; i++) {
      const maxTokens = 4 + Math.floor(random() * 60);
      const full = longRandomText(random, textCap(maxTokens) * 1.5);
      const { text, capped } = capAnalysisText(full, maxTokens);
      assert.ok(capped);
      const fromCut = truncateTokens(tokenizer.encode(text), maxTokens).tokens;
      const fromFull = truncateTokens(tokenizer.encode(full), maxTokens).tokens;
      assert.deepEqual(fromCut, fromFull, `text ${i} (maxTokens ${maxTokens})`);
      assertRangeInvariants(text, fromCut, false);
    }
  });

  it('tokenizes binary-looking text, NUL bytes, long lines, CRLF, tabs and every plane with exact ranges', () => {
    const random = seededRandom(99);
    const planes = Array.from({ length: 17 }, (_, plane) => String.fromCodePoint(plane * 0x10000 + 0x41)).join('');
    const cases = [
      '\u0000'.repeat(100),
      'a\u0000b\u0000\u0001\u0002\u001b[31m\u007f',
      randomBytesText(random, 5000),
      'x'.repeat(200_000),
      'line one\r\nline two\r\n\r\n\tindented\r\n',
      '\t\t\tif (x) {\n\t\t\t\treturn;\n\t\t\t}',
      planes,
      '\ud800 lone \udfff surrogates \udbff\udc00',
      '\ufeffBOM first',
    ];
    for (const text of cases) assertCoversExactly(text, tokenizer.encode(text));
  });
});

/** assertRangeInvariants without its per-token messages (which copy the whole text each time). */
function assertCoversExactly(text: string, tokens: readonly { text: string; start: number; end: number; special: boolean }[]): void {
  let cursor = 0;
  for (const token of tokens) {
    if (token.special) continue;
    if (token.start !== cursor || token.end < token.start || text.slice(token.start, token.end) !== token.text) {
      assert.fail(`token ${JSON.stringify(token)} at ${cursor} of a ${text.length}-unit text`);
    }
    cursor = token.end;
  }
  assert.equal(cursor, text.length, 'the tokens cover the whole text');
}

// ---- Analyzer: ordering, cap, closed and edited documents --------------------------------------

const INFO: ModelInfo = { name: 'fake', layers: 1, heads: 1, context: 512, causal: true, vocabSize: 10, backend: 'wasm', loadMs: 0 };

function outputFor(text: string, maxTokens: number): InferenceOutput {
  // One token per character, like a tiny character model.
  const tokens = [...text].slice(0, maxTokens).map((ch, i) => ({ id: i, text: ch, start: i, end: i + 1, special: false }));
  const T = tokens.length;
  const attention = new Float32Array(T * T).fill(1 / Math.max(1, T));
  return { tokens, attention: [attention], vectors: undefined, truncated: [...text].length > maxTokens, tokenizeMs: 0, inferenceMs: 0 };
}

/** A runner whose runs finish when the test says so. */
class ControlledRunner implements ModelRunner {
  readonly calls: { text: string; finish: () => void; fail: (err: Error) => void }[] = [];

  run(_location: unknown, text: string, maxTokens: number): ReturnType<ModelRunner['run']> {
    return new Promise((resolve, reject) => {
      this.calls.push({ text, finish: () => resolve({ info: INFO, output: outputFor(text, maxTokens), loadMs: 0 }), fail: reject });
    });
  }
}

interface FakeDocument {
  uri: { toString(): string };
  version: number;
  isClosed: boolean;
}

function fakeDocument(): FakeDocument {
  return { uri: { toString: () => 'untitled:fake' }, version: 1, isClosed: false };
}

function request(document: FakeDocument, text: string, maxTokens = 64): AnalysisRequest {
  return {
    document: document as unknown as AnalysisRequest['document'],
    text,
    baseOffset: 0,
    model: { folder: 'x', threads: 1 },
    maxTokens,
    backend: 'wasm',
    describe: (start, end) => `fake:${start}-${end}`,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

function analyzerWith(runner: ModelRunner): { analyzer: Analyzer; published: AttentionRun[] } {
  const published: AttentionRun[] = [];
  return { analyzer: new Analyzer(runner, { set: (run) => published.push(run) }, { info: () => undefined }), published };
}

describe('reliability: Analyzer under bad timing', () => {
  it('200 requests in one burst: one model run, the latest, and only it is published', async () => {
    const runner = new ControlledRunner();
    const { analyzer, published } = analyzerWith(runner);
    const document = fakeDocument();
    const outcomes = Array.from({ length: 200 }, (_, i) => analyzer.analyze(request(document, `text ${i}`)));
    await tick();
    assert.deepEqual(runner.calls.map((c) => c.text), ['text 199']);
    runner.calls[0].finish();
    const results = await Promise.all(outcomes);
    assert.deepEqual(results.map((r) => r.kind), [...Array<string>(199).fill('superseded'), 'done']);
    assert.deepEqual(published.map((r) => r.text), ['text 199']);
  });

  it('200 requests while a run is in flight: at most two model runs, stale results never published', async () => {
    const runner = new ControlledRunner();
    const { analyzer, published } = analyzerWith(runner);
    const document = fakeDocument();
    const first = analyzer.analyze(request(document, 'first'));
    await tick();
    const rest = Array.from({ length: 199 }, (_, i) => analyzer.analyze(request(document, `text ${i}`)));
    await tick();
    assert.equal(runner.calls.length, 1, 'waiting for the run in flight');
    runner.calls[0].finish();
    assert.equal((await first).kind, 'superseded', 'finished after newer requests: dropped');
    for (let i = 0; i < 5 && runner.calls.length < 2; i++) await tick();
    assert.deepEqual(runner.calls.map((c) => c.text), ['first', 'text 198']);
    runner.calls[1].finish();
    const results = await Promise.all(rest);
    assert.equal(results.filter((r) => r.kind === 'done').length, 1);
    assert.deepEqual(published.map((r) => r.text), ['text 198']);
  });

  it('a failed run does not block the next request', async () => {
    const runner = new ControlledRunner();
    const { analyzer } = analyzerWith(runner);
    const document = fakeDocument();
    const first = analyzer.analyze(request(document, 'boom'));
    await tick();
    runner.calls[0].fail(new Error('worker stopped'));
    await assert.rejects(first, /worker stopped/);
    const second = analyzer.analyze(request(document, 'ok'));
    await tick();
    runner.calls[1].finish();
    assert.equal((await second).kind, 'done');
  });

  it('sends at most sendCap(maxTokens) units and marks the run truncated when it cut the text', async () => {
    const runner = new ControlledRunner();
    const { analyzer } = analyzerWith(runner);
    const huge = 'abc\n'.repeat(1_000_000);
    const outcome = analyzer.analyze(request(fakeDocument(), huge, 8));
    await tick();
    assert.ok(runner.calls[0].text.length <= sendCap(8));
    runner.calls[0].finish();
    const result = await outcome;
    assert.ok(result.kind === 'done' && result.run.truncated && result.run.text === huge.slice(0, 8));
  });

  it('drops the result with a message when the document was closed during the run', async () => {
    const runner = new ControlledRunner();
    const { analyzer, published } = analyzerWith(runner);
    const document = fakeDocument();
    const outcome = analyzer.analyze(request(document, 'some text'));
    await tick();
    document.isClosed = true;
    runner.calls[0].finish();
    await assert.rejects(outcome, new RegExp(DOCUMENT_CLOSED_MESSAGE.replace(/[.;]/g, '\\$&')));
    assert.equal(published.length, 0);
  });

  it('keeps the version the offsets refer to when the document was edited during the run', async () => {
    const runner = new ControlledRunner();
    const { analyzer } = analyzerWith(runner);
    const document = fakeDocument();
    const outcome = analyzer.analyze(request(document, 'before edit'));
    await tick();
    document.version = 7;
    runner.calls[0].finish();
    const result = await outcome;
    // StaleTracker sees documentVersion 1 !== 7 and marks the run stale on arrival.
    assert.ok(result.kind === 'done' && result.run.documentVersion === 1 && result.run.text === 'before edit');
  });
});
