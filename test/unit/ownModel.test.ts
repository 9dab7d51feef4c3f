import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AttentionModel } from '../../src/inference/attentionModel';
import { ModelLoadError, type ModelLoadErrorKind } from '../../src/inference/modelErrors';
import { truncateTokens } from '../../src/inference/truncateTokens';
import type { InferenceOutput, ModelLocation } from '../../src/inference/workerProtocol';
import type { SourceToken } from '../../src/shared/tokens';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'models');
const FIXTURE_TOKENIZER = path.join(FIXTURES, 'tokenizer.json');
const TINYBERT_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'tribuo-tinybert');
const TINYBERT: ModelLocation = {
  folder: TINYBERT_DIR,
  threads: 1,
  modelFile: path.join(TINYBERT_DIR, 'tinybert.onnx'),
  tokenizerFile: path.join(TINYBERT_DIR, 'tinybert-tokenizer.json'),
};

/** A model from test/fixtures/models with the fixtures' tokenizer. */
function fixture(file: string): ModelLocation {
  return { folder: FIXTURES, threads: 1, modelFile: path.join(FIXTURES, file), tokenizerFile: FIXTURE_TOKENIZER };
}

async function withModel<T>(location: ModelLocation, use: (model: AttentionModel) => Promise<T>): Promise<T> {
  const model = await AttentionModel.load(location, WASM_DIR);
  try {
    return await use(model);
  } finally {
    await model.dispose();
  }
}

/** A temporary model folder holding `files` (name -> contents), removed after `use`. */
async function withFolder(files: Record<string, string | Uint8Array>, use: (folder: string) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-model-'));
  try {
    for (const [name, contents] of Object.entries(files)) writeFileSync(path.join(folder, name), contents);
    await use(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function assertLoadFails(location: ModelLocation, kind: ModelLoadErrorKind, message: RegExp): Promise<void> {
  await assert.rejects(AttentionModel.load(location, WASM_DIR), (err: unknown) => {
    assert.ok(err instanceof ModelLoadError, `expected a ModelLoadError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    return true;
  });
}

function assertRowsSumToOne(output: InferenceOutput, heads: number): void {
  const T = output.tokens.length;
  for (const [layer, weights] of output.attention.entries()) {
    assert.equal(weights.length, heads * T * T, `layer ${layer} holds [${heads}, ${T}, ${T}]`);
    for (let row = 0; row < heads * T; row++) {
      const sum = weights.subarray(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `layer ${layer}, row ${row} sums to ${sum}`);
    }
  }
}

/** [CLS] first and [SEP] last, both special with an empty range at the start and at the end of
 *  the analysed text (`textLength`: after truncation, where the last kept text token ends). */
function assertFramed(tokens: readonly SourceToken[], textLength: number): void {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  assert.deepEqual([first.text, first.special, first.start, first.end], ['[CLS]', true, 0, 0]);
  assert.deepEqual([last.text, last.special, last.start, last.end], ['[SEP]', true, textLength, textLength]);
  assert.ok(tokens.slice(1, -1).every((t) => !t.special), 'only the frame is special');
}

/** What BertNormalizer makes of a source slice: accents stripped, lowercased. */
function bertNormalized(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

describe('own models: AttentionModel.load on any ONNX Transformer', function () {
  this.timeout(30_000);

  describe('a third-party BERT (tribuo tinybert)', function () {
    before(function () {
      if (!existsSync(TINYBERT_DIR)) {
        console.log(`      skipped: fixture folder ${TINYBERT_DIR} is absent`);
        this.skip();
      }
    });

    it('exposes its attention and reads layers, heads and context from the model', async function () {
      await withModel(TINYBERT, async (model) => {
        const { name, layers, heads, context, causal, vocabSize } = model.info;
        assert.deepEqual({ name, layers, heads, context, causal, vocabSize }, {
          name: 'tinybert',
          layers: 1,
          heads: 1,
          context: 100, // its position table; there is no config.json
          causal: false,
          vocabSize: 1656,
        });
        const output = await model.run('it is a truth', 512);
        assert.deepEqual(output.tokens.map((t) => t.text), ['[CLS]', 'it', 'is', 'a', 'truth', '[SEP]']);
        assertRowsSumToOne(output, 1);
        assert.equal(output.vectors, undefined);
      });
    });

    it('maps every text token back to the original, accented and capitalised, source', async function () {
      const vocab = JSON.parse(readFileSync(TINYBERT.tokenizerFile!, 'utf8')).model.vocab as Record<string, number>;
      const pieces = new Map(Object.entries(vocab).map(([piece, id]) => [id, piece.replace(/^##/, '')]));
      const text = 'Héllo Wörld, attention!';
      await withModel(TINYBERT, async (model) => {
        const output = await model.run(text, 512);
        assertFramed(output.tokens, text.length);
        const words = output.tokens.filter((t) => !t.special);
        for (const token of words) {
          assert.equal(token.text, text.slice(token.start, token.end));
          if (pieces.get(token.id) !== '[UNK]') assert.equal(bertNormalized(token.text), pieces.get(token.id), `token ${token.id}`);
        }
        assert.equal(words.map((t) => t.text).join(''), text.replace(/\s/g, ''), 'the tokens cover the text in order');
        assert.ok(words.some((t) => /é|ö/.test(t.text)), 'accented slices keep their accents');
        assertRowsSumToOne(output, 1);
      });
    });

    it('truncates the text, not the [SEP], to maxTokens and to the model context', async function () {
      const text = 'it is a truth universally acknowledged '.repeat(40);
      await withModel(TINYBERT, async (model) => {
        const short = await model.run(text, 8);
        assert.equal(short.truncated, true);
        assert.equal(short.tokens.length, 8);
        assertFramed(short.tokens, short.tokens[short.tokens.length - 2].end);
        assert.deepEqual(short.tokens.slice(1, 5).map((t) => t.text), ['it', 'is', 'a', 'truth']);

        const long = await model.run(text, 512);
        assert.equal(long.tokens.length, 100, 'the position table allows 100 tokens');
        assertFramed(long.tokens, long.tokens[long.tokens.length - 2].end);
        assertRowsSumToOne(long, 1);
      });
    });
  });

  describe('models built for these tests (test/fixtures/models)', function () {
    it('loads a model whose attention is not an output, from explicit file paths', async function () {
      await withModel(fixture('attention-2x2.onnx'), async (model) => {
        const { name, layers, heads, context, causal } = model.info;
        assert.deepEqual({ name, layers, heads, context, causal }, { name: 'attention-2x2', layers: 2, heads: 2, context: 512, causal: false });
        const text = 'Ünïcode, too?';
        const output = await model.run(text, 512);
        assertFramed(output.tokens, text.length);
        assertRowsSumToOne(output, 2);
        assert.deepEqual(output.tokens.map((t) => t.text), ['[CLS]', 'Ü', 'n', 'ï', 'c', 'o', 'd', 'e', ',', 't', 'o', 'o', '?', '[SEP]']);
        assert.deepEqual((await model.run('   ', 512)).tokens, [], 'blank text gives no tokens, not a bare [CLS] [SEP]');
      });
    });

    it('reads context and causality from a Hugging Face config.json', async function () {
      const files = {
        'model.onnx': readFileSync(path.join(FIXTURES, 'attention-2x2.onnx')),
        'tokenizer.json': readFileSync(FIXTURE_TOKENIZER),
        'config.json': JSON.stringify({ model_type: 'bert', is_decoder: true, max_position_embeddings: 6 }),
      };
      await withFolder(files, async (folder) => {
        await withModel({ folder, threads: 1 }, async (model) => {
          assert.equal(model.info.context, 6);
          assert.equal(model.info.causal, true);
          const text = 'abc def ghi';
          const output = await model.run(text, 512);
          assert.equal(output.truncated, true);
          assert.deepEqual(output.tokens.map((t) => t.text), ['[CLS]', 'a', 'b', 'c', 'd', '[SEP]']);
          assertRowsSumToOne(output, 2);
        });
      });
    });

    it('keeps the bundled model as it was: causal, named attn_<n> outputs, q/k/v/o vectors', async function () {
      await withModel({ folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 }, async (model) => {
        assert.equal(model.info.causal, true);
        assert.equal(model.info.context, 512);
        assert.equal(model.info.layers, 4);
        assert.equal(model.info.heads, 4);
        const output = await model.run('const x = 1;', 512);
        assert.ok(output.tokens.every((t) => !t.special));
        assert.equal(output.vectors?.length, 4);
        assertRowsSumToOne(output, 4);
      });
    });
  });

  describe('errors a user can act on', function () {
    it('a folder without tokenizer.json', async function () {
      await withFolder({ 'model.onnx': readFileSync(path.join(FIXTURES, 'attention-2x2.onnx')) }, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'missing-file', /tokenizer.*tokenizer\.json does not exist.*Select Model/);
      });
    });

    it('a truncated model.onnx', async function () {
      const bytes = readFileSync(path.join(FIXTURES, 'attention-2x2.onnx'));
      await withFolder({ 'model.onnx': bytes.subarray(0, bytes.length / 2), 'tokenizer.json': readFileSync(FIXTURE_TOKENIZER) }, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'unreadable-model', /model\.onnx cannot be read: The ONNX file is truncated.*again/);
      });
    });

    it('a file that is no ONNX model (a Git LFS pointer)', async function () {
      const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n';
      await withFolder({ 'model.onnx': pointer, 'tokenizer.json': readFileSync(FIXTURE_TOKENIZER) }, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'unreadable-model', /model\.onnx cannot be read/);
      });
    });

    it('a model without Softmax attention', async function () {
      await assertLoadFails(fixture('no-softmax.onnx'), 'no-attention', /no-softmax\.onnx: No attention found/);
    });

    it('weights in an external data file that is missing', async function () {
      await withFolder({ 'model.onnx': readFileSync(path.join(FIXTURES, 'external-data.onnx')), 'tokenizer.json': readFileSync(FIXTURE_TOKENIZER) }, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'external-data', /keeps its weights in "external-data\.onnx_data", but .*external-data\.onnx_data does not exist\. Put the data file beside the model/);
      });
    });

    it('a tokenizer larger than the model embedding', async function () {
      await assertLoadFails(fixture('small-vocab.onnx'), 'vocabulary', /tokenizer\.json has 60 tokens but the embedding of .*small-vocab\.onnx has only 16 rows/);
    });

    it('an input Attention Lens cannot fill', async function () {
      await assertLoadFails(fixture('extra-input.onnx'), 'unsupported-input', /needs "encoder_hidden_states" as input; Attention Lens can fill input_ids/);
    });

    it('a config.json that is not JSON', async function () {
      const files = { 'model.onnx': readFileSync(path.join(FIXTURES, 'attention-2x2.onnx')), 'tokenizer.json': readFileSync(FIXTURE_TOKENIZER), 'config.json': '{' };
      await withFolder(files, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'config', /config\.json is not valid JSON/);
      });
    });

    it('a tokenizer.json that is not JSON', async function () {
      await withFolder({ 'model.onnx': readFileSync(path.join(FIXTURES, 'attention-2x2.onnx')), 'tokenizer.json': 'oops' }, async (folder) => {
        await assertLoadFails({ folder, threads: 1 }, 'tokenizer', /tokenizer\.json: tokenizer\.json is not valid JSON/);
      });
    });
  });
});

describe('truncateTokens', function () {
  const token = (text: string, special = false): SourceToken => ({ id: 0, text, start: 0, end: 0, special });
  const texts = (tokens: readonly SourceToken[]) => tokens.map((t) => t.text);
  const framed = [token('[CLS]', true), token('a'), token('b'), token('c'), token('[SEP]', true)];

  it('cuts the text between the special tokens', function () {
    assert.deepEqual(texts(truncateTokens(framed, 4).tokens), ['[CLS]', 'a', 'b', '[SEP]']);
    assert.deepEqual(truncateTokens(framed, 5), { tokens: framed, truncated: false });
  });

  it('keeps a plain prefix when there is no room for text', function () {
    assert.deepEqual(texts(truncateTokens(framed, 2).tokens), ['[CLS]', 'a']);
  });

  it('cuts the end of unframed text', function () {
    assert.deepEqual(texts(truncateTokens([token('a'), token('b'), token('c')], 2).tokens), ['a', 'b']);
  });
});
