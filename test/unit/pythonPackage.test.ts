// The Python package in python/: its own unittest suite, and files it writes read back by the
// TypeScript reader: JSON and binary forms, float32 and float16, self- and cross-attention agree.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JSON_MIME_TYPE, readAttentionFile, type AttentionFile } from '../../src/shared/attentionFile';
import { pythonUnavailable, runPython, PYTHON } from '../support/python';
import { sample, sampleSafetensors } from '../support/attentionFiles';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Writes the same seeded attention in every form; the text has an emoji, so code points and UTF-16 differ. */
const WRITE_FILES = `
import sys
import numpy as np
import attention_lens
out = sys.argv[1]
text = "x = 1  # 🙂 ok\\nprint(x)\\n"
tokens = text.split()
offsets, at = [], 0
for t in tokens:
    start = text.index(t, at); offsets.append((start, start + len(t))); at = start + len(t)
rng = np.random.default_rng(7)
def softmax(shape):
    s = rng.normal(size=shape).astype(np.float32)
    e = np.exp(s - s.max(-1, keepdims=True)); return e / e.sum(-1, keepdims=True)
layers = tuple(softmax((1, 3, len(tokens), len(tokens))) for _ in range(2))
for name, dtype in (("self.attention.json", None), ("self.attention.safetensors", "float32"), ("self16.attention.safetensors", "float16")):
    kw = {} if dtype is None else {"dtype": dtype}
    attention_lens.save(f"{out}/{name}", tokens, layers, offsets=offsets, source=text, source_file="x.py", model="m", token_ids=list(range(len(tokens))), **kw)
keys = ["a", "b", "c"]
cross = [softmax((2, len(tokens), 3))]
q = [rng.normal(size=(2, len(tokens), 4))]
for name in ("cross.attention.json", "cross.attention.safetensors"):
    attention_lens.save(f"{out}/{name}", tokens, cross, key_tokens=keys, model={"name": "m", "layout": "encoder-decoder"}, q=q)
print(attention_lens.MIME_TYPE)
`;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('Python package (python/attention_lens)', function () {
  this.timeout(180_000);

  before(function () {
    const reason = pythonUnavailable();
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
  });

  it(`passes its unittest suite (${PYTHON} -m unittest)`, () => {
    const result = runPython(['-m', 'unittest', 'discover', '-s', 'python/tests', '-t', 'python/tests'], REPO_ROOT);
    assert.equal(result.status, 0, `python tests failed:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /Ran \d+ tests/);
  });

  it('writes files the TypeScript reader reads: both forms agree, offsets become UTF-16', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'attention-lens-python-'));
    try {
      const result = runPython(['-c', WRITE_FILES, dir], REPO_ROOT);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), JSON_MIME_TYPE, 'display() emits the MIME type the renderer will claim');
      const read = (name: string): AttentionFile => readAttentionFile(new Uint8Array(readFileSync(path.join(dir, name))), { fileName: name });
      const json = read('self.attention.json');
      const binary = read('self.attention.safetensors');
      const half = read('self16.attention.safetensors');
      assert.equal(json.form, 'json');
      assert.equal(binary.form, 'safetensors');
      assert.deepEqual([binary.layers, binary.heads, binary.kind], [2, 3, 'self']);
      for (let l = 0; l < 2; l++) {
        assert.ok(maxAbsDiff(json.attention[l]!, binary.attention[l]!) < 1e-6, 'JSON keeps 7 significant digits');
        assert.ok(maxAbsDiff(half.attention[l]!, binary.attention[l]!) < 2 ** -11, 'float16 keeps 11 bits');
      }
      assert.deepEqual(json.queries, binary.queries);
      const text = binary.queries.source!.text;
      assert.equal(binary.queries.source!.file, 'x.py');
      for (const token of binary.queries.tokens) assert.equal(text.slice(token.start, token.end), token.text, 'UTF-16 offsets cut the token out of the text');
      const emoji = binary.queries.tokens.find((t) => t.text === '🙂')!;
      assert.equal(emoji.end! - emoji.start!, 2, 'one code point, two UTF-16 code units');

      for (const file of [read('cross.attention.json'), read('cross.attention.safetensors')]) {
        assert.equal(file.kind, 'cross');
        assert.deepEqual(file.keys.tokens.map((t) => t.text), ['a', 'b', 'c']);
        assert.equal(file.model.layout, 'encoder-decoder');
        assert.equal(file.parts?.[0]?.q?.length, 2 * file.queryCount * 4);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads files the TypeScript writer writes (float32 and float16, cross-attention with q/k/v/o)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'attention-lens-python-'));
    try {
      const s = sample({ cross: true, parts: true, layers: 2, heads: 3 });
      writeFileSync(path.join(dir, 'f32.attention.safetensors'), sampleSafetensors(s, 'F32'));
      writeFileSync(path.join(dir, 'f16.attention.safetensors'), sampleSafetensors(s, 'F16'));
      const script = `
import json, sys
import attention_lens
out = {}
for name in ("f32", "f16"):
    f = attention_lens.load(f"{sys.argv[1]}/{name}.attention.safetensors")
    out[name] = {"tokens": f.tokens, "keys": f.key_tokens, "shape": list(f.attention[1].shape),
                 "row": f.attention[1][2, 3].tolist(), "parts": sorted(f.parts), "k": list(f.parts["k"][0].shape)}
print(json.dumps(out))
`;
      const result = runPython(['-c', script, dir], REPO_ROOT);
      assert.equal(result.status, 0, result.stderr);
      const read = JSON.parse(result.stdout) as { [name: string]: { tokens: string[]; keys: string[]; shape: number[]; row: number[]; parts: string[]; k: number[] } };
      const row = Array.from(s.attention[1]!.subarray((2 * s.queryCount + 3) * s.keyCount, (2 * s.queryCount + 4) * s.keyCount));
      for (const [name, file] of Object.entries(read)) {
        assert.deepEqual(file.tokens, (s.header['tokens'] as { text: string }[]).map((t) => t.text), name);
        assert.deepEqual(file.keys, (s.header['keyTokens'] as { text: string }[]).map((t) => t.text), name);
        assert.deepEqual(file.shape, [3, s.queryCount, s.keyCount], name);
        assert.deepEqual(file.parts, ['k', 'o', 'q', 'v'], name);
        assert.deepEqual(file.k, [3, s.keyCount, s.dim], name);
        const tolerance = name === 'f32' ? 0 : 2 ** -12;
        file.row.forEach((w, j) => assert.ok(Math.abs(w - row[j]!) <= tolerance, `${name}: weight ${j}`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
