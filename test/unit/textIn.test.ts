/**
 * Text as VS Code sees it, through the tokenizer and the CLI: the inputs that once failed (lone CR
 * line breaks, a byte-order mark, a 300 KB one-line file, text that tokenizes to nothing,
 * conjoining jamo under NFKC, an empty continuing-subword prefix), and the CLI's own messages.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { CliUsageError } from '../../src/cli/cliArgs';
import { selectText } from '../../src/cli/cliText';
import { runCli } from '../../src/cli/runCli';
import { truncateTokens } from '../../src/inference/truncateTokens';
import { lineStarts, positionAt } from '../../src/shared/textPositions';
import { loadTokenizer } from '../../src/tokenizer';
import { FIXTURES } from '../fixtures/tokenizers/tokenizerFixtures';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MODELS = path.join(REPO_ROOT, 'test', 'fixtures', 'models');
const PATHS = { ortDir: path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist'), bundledModelDir: path.join(REPO_ROOT, 'media', 'model'), distDir: path.join(REPO_ROOT, 'dist') };

/** A minimal tokenizer.json around `model`, with the given stages. */
function tokenizerJson(model: object, stages: { normalizer?: object; pre_tokenizer?: object; post_processor?: object } = {}): string {
  return JSON.stringify({ version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...stages, model });
}

async function referenceIds(json: string, text: string): Promise<number[]> {
  return (await NativeTokenizer.fromString(json).encode(text)).getIds();
}

describe('text in: the tokenizer layer', function () {
  this.timeout(60_000);

  it('tokenizes a 300 KB one-line file without overflowing the stack', () => {
    const line = 'function a(b,c){return b+c*2-(d||e)&&f.g[h]};var x="y",z=1e3;'.repeat(5000);
    assert.ok(line.length > 300_000);
    const tokens = loadTokenizer(readFileSync(FIXTURES.bundledBpe, 'utf8')).encode(line);
    assert.equal(tokens.map((t) => t.text).join(''), line);
  });

  it('NFKC composes conjoining jamo across characters: 가 ##나 as the reference gives', async () => {
    const json = tokenizerJson(
      { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0, 가: 1, '##나': 2, 나: 3 } },
      { normalizer: { type: 'NFKC' }, pre_tokenizer: { type: 'WhitespaceSplit' } },
    );
    const text = '\u1100\u1161\u1102\u1161 \u1100\u1161';
    const tokens = loadTokenizer(json).encode(text);
    assert.deepEqual(tokens.map((t) => t.id), await referenceIds(json, text));
    assert.deepEqual(tokens.map((t) => t.id), [1, 2, 1]);
    assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[0, 2], [2, 4], [5, 7]], 'each syllable covers its two jamo');
  });

  it('reads an empty continuing_subword_prefix / end_of_word_suffix as none (byte-level BPE)', async () => {
    const bundled = JSON.parse(readFileSync(FIXTURES.bundledBpe, 'utf8'));
    bundled.model.continuing_subword_prefix = '';
    bundled.model.end_of_word_suffix = '';
    const json = JSON.stringify(bundled);
    const text = 'const total = items.reduce((sum, x) => sum + x, 0); // café 😀';
    assert.deepEqual(loadTokenizer(json).encode(text).map((t) => t.id), await referenceIds(json, text));
  });

  it('gives U+200B U+0010 under BERT nothing but the frame, as the reference does', async () => {
    const json = readFileSync(path.join(MODELS, 'tokenizer.json'), 'utf8');
    const tokens = loadTokenizer(json).encode('\u200b\u0010');
    assert.deepEqual(tokens.map((t) => t.id), await referenceIds(json, '\u200b\u0010'));
    assert.ok(tokens.every((t) => t.special));
  });

  it('puts trailing specials at the end of the analysed text after truncation', () => {
    const tokens = loadTokenizer(readFileSync(path.join(MODELS, 'tokenizer.json'), 'utf8')).encode('a b c d e f');
    const kept = truncateTokens(tokens, 4).tokens;
    assert.deepEqual(kept.map((t) => [t.text, t.start, t.end]), [['[CLS]', 0, 0], ['a', 0, 1], ['b', 2, 3], ['[SEP]', 3, 3]]);
  });
});

describe('text in: positions as VS Code counts them', () => {
  it('breaks lines at LF, CRLF and a lone CR', () => {
    const text = 'a = 1\rb = 2\r\nc\nd';
    const starts = lineStarts(text);
    assert.deepEqual(starts, [0, 6, 13, 15]);
    assert.deepEqual(positionAt(starts, text.indexOf('b')), { line: 1, character: 0 });
  });

  it('selects a range on CR-only lines, and leaves a byte-order mark out of the text', () => {
    const cr = selectText('a = 1\rb = 2\r', { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, 'f');
    assert.equal(cr.documentText.slice(cr.startOffset, cr.endOffset), 'b = 2');
    const bom = selectText('\ufeffx = 1\n', { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, 'f');
    assert.equal(bom.documentText, 'x = 1\n');
    assert.equal(bom.documentText.slice(bom.startOffset, bom.endOffset), 'x = 1');
  });

  it('says when a range starts past the end', () => {
    assert.throws(() => selectText('one\ntwo', { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } }, 'f.ts'), /line 6, past the end of f\.ts \(2 lines\)/);
    assert.throws(() => selectText('one\ntwo', { start: { line: 1, character: 9 }, end: { line: 1, character: 12 } }, 'f.ts'), /past the end of that line/);
  });
});

describe('text in: through the CLI', function () {
  this.timeout(60_000);
  let folder: string;
  let model: string;
  before(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-cli-'));
    model = path.join(folder, 'model');
    mkdirSync(model);
    copyFileSync(path.join(MODELS, 'attention-2x2.onnx'), path.join(model, 'model.onnx'));
    copyFileSync(path.join(MODELS, 'tokenizer.json'), path.join(model, 'tokenizer.json'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const file = (name: string, content: string | Buffer): string => {
    const target = path.join(folder, name);
    writeFileSync(target, content);
    return target;
  };
  const runJson = async (args: string[]) => {
    const out = path.join(folder, 'out.json');
    rmSync(out, { force: true });
    assert.equal(await runCli([...args, '--model', model, '--json', out], PATHS), 0);
    return JSON.parse(readFileSync(out, 'utf8')) as { tokens: { text: string; line: number; character: number; special: boolean }[] };
  };

  it('reports positions on CR-only lines and analyses a range there', async () => {
    const input = file('cr.txt', 'a = 1\rb = 2\r');
    const all = await runJson([input]);
    const b = all.tokens.find((t) => t.text === 'b');
    assert.deepEqual([b?.line, b?.character], [1, 0]);
    const range = await runJson([input, '--range', '2:1-2:6']);
    assert.deepEqual(range.tokens.filter((t) => !t.special).map((t) => t.text), ['b', '=', '2']);
  });

  it('makes no token of a byte-order mark and counts columns from the visible text', async () => {
    const input = file('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x = 1\n')]));
    const result = await runJson([input, '--range', '1:1-1:6']);
    const text = result.tokens.filter((t) => !t.special);
    assert.deepEqual(text.map((t) => [t.text, t.character]), [['x', 0], ['=', 2], ['1', 4]]);
  });

  it('analyses a 300 KB one-line file (cut before tokenizing)', async () => {
    const input = file('min.js', 'function a(b,c){return b+c*2-(d||e)&&f.g[h]};var x="y",z=1e3;'.repeat(5000));
    const result = await runJson([input, '--max-tokens', '64']);
    assert.equal(result.tokens.length, 64);
  });

  it('says where a cut run stopped, in the file\'s lines, on stderr and in the HTML report', async () => {
    const input = file('long.ts', Array.from({ length: 40 }, (_, i) => `const v${i} = ${i};`).join('\n') + '\n');
    const html = path.join(folder, 'report.html');
    const notes: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => void notes.push(parts.join(' '));
    try {
      assert.equal(await runCli([input, '--range', '3:1-40:1', '--max-tokens', '32', '--model', model, '--html', html], PATHS), 0);
    } finally {
      console.error = original;
    }
    const note = notes.find((n) => n.startsWith('note: Analysed'));
    assert.match(note ?? notes.join('\n'), /^note: Analysed lines 3–\d+ of lines 3–39 \(32-token limit\)\.$|^note: Analysed line 3 to line \d+, column \d+, of lines 3–39 \(32-token limit\)\.$/);
    // The report carries the cut for its banner (drawn by its script).
    assert.match(readFileSync(html, 'utf8'), /"cut":\{"firstLine":3,/);
  });

  it('refuses text that tokenizes to nothing, a folder, a range past the end, a tiny --max-tokens and an unwritable output', async () => {
    const empty = file('invisible.txt', '\u200b\u0010');
    await assert.rejects(runCli([empty, '--model', model, '--json', path.join(folder, 'o.json')], PATHS), (e: unknown) => e instanceof CliUsageError && /nothing to analyse/.test(e.message));
    await assert.rejects(runCli([folder, '--json', path.join(folder, 'o.json')], PATHS), /is a folder: give a file/);
    const small = file('small.txt', 'a b\n');
    await assert.rejects(runCli([small, '--range', '9:1-9:2', '--json', path.join(folder, 'o.json')], PATHS), /past the end of/);
    await assert.rejects(runCli([small, '--model', model, '--max-tokens', '2', '--json', path.join(folder, 'o.json')], PATHS), /--max-tokens 2 leaves no room for text: this model adds 2 special tokens; give at least 3/);
    await assert.rejects(runCli([small, '--json', path.join(folder, 'missing', 'o.json')], PATHS), /does not exist/);
    await assert.rejects(runCli([small, '--model', path.join(folder, 'nowhere'), '--json', path.join(folder, 'o.json')], PATHS), (e: unknown) => e instanceof Error && /--model DIR/.test(e.message) && !/Select Model/.test(e.message));
  });
});
