// Files written by the Python package from PyTorch runs (test/fixtures/attention-files, made by
// make_fixtures.py): the bundled model's attention computed by training/model.py in PyTorch equals
// the extension's own onnxruntime-web run of the same ids within 1e-5, ids and UTF-16 offsets agree
// with the tokenizers, and a cross-attention file from nn.Transformer reads with both sequences.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { readAttentionFile, type AttentionFile } from '../../src/shared/attentionFile';
import { loadTokenizer } from '../../src/tokenizer';
import { BUNDLED_TOKENIZER, REPO_ROOT, createInferenceRunner, idsTensor, ort, readModelBytes } from '../reference/nodeRuntime';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'attention-files');
const TOLERANCE = 1e-5;

function readFixture(name: string): AttentionFile {
  return readAttentionFile(new Uint8Array(readFileSync(path.join(FIXTURES, name))), { fileName: name });
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'sizes differ');
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}

/** Code point offsets to UTF-16 code units, by JavaScript's own string iteration (independent of the Python package). */
function utf16Offsets(text: string, codePointOffsets: readonly (readonly number[])[]): number[][] {
  const units = [0];
  for (const ch of text) units.push(units[units.length - 1]! + ch.length);
  return codePointOffsets.map(([start, end]) => [units[start!]!, units[end!]!]);
}

async function onnxOutputs(ids: readonly number[]): Promise<ort.InferenceSession.OnnxValueMapType> {
  const runner = await createInferenceRunner(readModelBytes());
  try {
    return await runner.run({ input_ids: idsTensor(ids) });
  } finally {
    await runner.release();
  }
}

describe('attention files from PyTorch (fixtures written by the Python package)', function () {
  this.timeout(60_000);

  for (const name of ['bundled-model.attention.safetensors', 'bundled-model-parts.attention.safetensors']) {
    describe(name, () => {
      let file: AttentionFile;
      let ids: number[];
      let outputs: ort.InferenceSession.OnnxValueMapType;

      before(async () => {
        file = readFixture(name);
        ids = file.queries.tokens.map((t) => t.id!);
        outputs = await onnxOutputs(ids);
      });

      it('describes the bundled model, its layout and the snippet', () => {
        const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'media', 'model', 'config.json'), 'utf8')) as { name: string; context: number };
        assert.deepEqual(file.model, { name: config.name, layout: 'decoder', causal: true, context: config.context });
        assert.equal(file.kind, 'self');
        assert.equal(file.queries.source?.file, 'snippet.py');
        assert.ok(file.queryCount >= 12, `${file.queryCount} tokens`);
      });

      it("has the ids of the extension's tokenizer and of the native one, and their offsets in UTF-16", async () => {
        const text = file.queries.source!.text;
        const ours = loadTokenizer(readFileSync(BUNDLED_TOKENIZER, 'utf8')).encode(text);
        assert.deepEqual(ours.map((t) => t.id), ids);
        const native = await Tokenizer.fromFile(BUNDLED_TOKENIZER).encode(text, null, { addSpecialTokens: false });
        assert.deepEqual(native.getIds(), ids);
        const expected = utf16Offsets(text, native.getOffsets());
        assert.deepEqual(file.queries.tokens.map((t) => [t.start, t.end]), expected);
        assert.ok(/[^\p{ASCII}]/u.test(text), 'the snippet has non-ASCII text, so the conversion is exercised');
      });

      it(`attention equals the onnxruntime-web run of the same ids within ${TOLERANCE}`, () => {
        const T = file.queryCount;
        assert.equal(file.layers, 4);
        file.attention.forEach((layer, l) => {
          const tensor = outputs[`attn_${l}`]!;
          assert.deepEqual(tensor.dims, [1, file.heads, T, T]);
          const diff = maxAbsDiff(layer, tensor.data as Float32Array);
          assert.ok(diff < TOLERANCE, `layer ${l}: max abs diff ${diff}`);
        });
      });

      if (name.includes('parts')) {
        it(`q, k, v and o equal the onnxruntime-web run within ${TOLERANCE}`, () => {
          assert.equal(file.parts?.length, file.layers);
          file.parts!.forEach((parts, l) => {
            for (const part of ['q', 'k', 'v', 'o'] as const) {
              const diff = maxAbsDiff(parts[part]!, outputs[`${part}_${l}`]!.data as Float32Array);
              assert.ok(diff < TOLERANCE, `${part}_${l}: max abs diff ${diff}`);
            }
          });
        });
      }
    });
  }

  describe('cross-attention.attention.safetensors (nn.Transformer, random weights)', () => {
    let file: AttentionFile;
    before(() => (file = readFixture('cross-attention.attention.safetensors')));

    it('has both sequences, each labelled with its own source', () => {
      assert.equal(file.kind, 'cross');
      assert.equal(file.model.layout, 'encoder-decoder');
      assert.deepEqual([file.layers, file.heads, file.queryCount, file.keyCount], [2, 2, 8, 7]);
      const words = (text: string) => text.split(' ');
      assert.deepEqual(file.queries.tokens.map((t) => t.text), words(file.queries.source!.text));
      assert.deepEqual(file.keys.tokens.map((t) => t.text), words(file.keys.source!.text));
      assert.equal(file.queries.source!.file, 'target.txt');
      assert.equal(file.keys.source!.file, 'source.txt');
      for (const sequence of [file.queries, file.keys]) {
        for (const token of sequence.tokens) assert.equal(sequence.source!.text.slice(token.start, token.end), token.text);
      }
    });

    it('softmax(q k^T / sqrt(d_k)) of its float16 q and k gives its attention, and o = attention v', () => {
      const { heads, queryCount: Tq, keyCount: Tk } = file;
      file.parts!.forEach((parts, l) => {
        const d = parts.keyDim!;
        const attention = file.attention[l]!;
        const expected = new Float32Array(attention.length);
        const output = new Float32Array(heads * Tq * parts.valueDim!);
        for (let h = 0; h < heads; h++) {
          for (let i = 0; i < Tq; i++) {
            const row = (h * Tq + i) * Tk;
            let sum = 0;
            for (let j = 0; j < Tk; j++) {
              let dot = 0;
              for (let c = 0; c < d; c++) dot += parts.q![(h * Tq + i) * d + c]! * parts.k![(h * Tk + j) * d + c]!;
              sum += expected[row + j] = Math.exp(dot / Math.sqrt(d));
            }
            for (let j = 0; j < Tk; j++) expected[row + j]! /= sum;
            for (let c = 0; c < parts.valueDim!; c++) {
              let value = 0;
              for (let j = 0; j < Tk; j++) value += attention[row + j]! * parts.v![(h * Tk + j) * parts.valueDim! + c]!;
              output[(h * Tq + i) * parts.valueDim! + c] = value;
            }
          }
        }
        // float16 storage: about 3 significant digits per value.
        assert.ok(maxAbsDiff(attention, expected) < 5e-3, `layer ${l}: attention from q and k`);
        assert.ok(maxAbsDiff(parts.o!, output) < 5e-3, `layer ${l}: o from attention and v`);
      });
    });
  });
});
