// An attention file read by the shared reader, turned into the run the views draw.
import { everyLayer } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFromFile, FILE_RUN_ID_BASE, type FilePlacement } from '../../src/attention/fileRun';
import { crossMatrix } from '../../src/shared/crossAttention';
import { fileTokens } from '../../src/shared/fileTokens';
import { readAttentionFile, readAttentionJson } from '../../src/shared/attentionFile';
import { MAX_INDEX } from '../../src/shared/protocol/fields';

const fixtures = join(__dirname, '..', 'fixtures', 'attention-files');
const read = (name: string) => readAttentionFile(readFileSync(join(fixtures, name)), { fileName: name });
const alone: FilePlacement = { kind: 'alone', uri: 'file:///x.attention.safetensors#attention-lens-tokens', label: 'x', reason: 'because' };

describe('attention file → run', function () {
  it('keeps the source text and offsets, and the attention tensors themselves (no copy)', function () {
    const file = read('bundled-model.attention.safetensors');
    const run = runFromFile(file, alone);
    assert.equal(run.text, file.queries.source!.text);
    assert.equal(run.tokens.length, file.queryCount);
    for (const token of run.tokens) if (!token.special && token.end > token.start) assert.equal(run.text.slice(token.start, token.end), token.text, 'the fixture names tokens by their source slices');
    // The file's own arrays, not copies.
    assert.ok(everyLayer(run.attention).every((layer, l) => layer === file.attention[l]));
    assert.equal(run.model.layers, file.layers);
    assert.equal(run.model.heads, file.heads);
    assert.equal(run.model.causal, true);
    assert.equal(run.vectors, undefined, 'this fixture carries no q/k/v/o');
    assert.equal(run.source, 'x');
    assert.equal(run.documentUri, alone.uri);
  });

  it('gives the math view q/k/v/o when the file carries them', function () {
    const file = read('bundled-model-parts.attention.safetensors');
    const run = runFromFile(file, alone);
    assert.ok(run.vectors);
    assert.equal(run.vectors.length, file.layers);
    assert.strictEqual(run.vectors[0].q, file.parts![0].q);
    assert.equal(run.vectors[0].headDim, file.parts![0].keyDim);
  });

  it('places a document run at the saved offset and numbers file runs apart from model runs', function () {
    const file = read('bundled-model.attention.safetensors');
    const a = runFromFile(file, { kind: 'document', uri: 'file:///w/snippet.py', version: 3, baseOffset: 7, label: 'snippet.py:1-4' });
    const b = runFromFile(file, alone);
    assert.equal(a.documentVersion, 3);
    assert.equal(a.baseOffset, 7);
    assert.ok(a.runId >= FILE_RUN_ID_BASE && a.runId < MAX_INDEX);
    assert.equal(b.runId, a.runId + 1);
  });

  it('lays tokens without offsets out as their texts joined by spaces, with repeated texts sharing an id', function () {
    const file = readAttentionJson({
      format: 'attention-lens/result@1',
      model: { name: 'm' },
      tokens: [{ text: '<s>', special: true }, 'the', 'cat', 'the'],
      attention: [[[[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.25, 0.25, 0.5, 0], [0.25, 0.25, 0.25, 0.25]]]],
    });
    const { text, tokens } = fileTokens(file.queries);
    assert.equal(text, 'the cat the');
    assert.deepEqual(
      tokens.map((t) => [t.start, t.end, t.special]),
      [
        [0, 0, true],
        [0, 3, false],
        [4, 7, false],
        [8, 11, false],
      ],
    );
    assert.equal(tokens[1].id, tokens[3].id);
    assert.notEqual(tokens[1].id, tokens[2].id);
  });

  it('gives a character split into byte-level pieces to its last piece only, as a run does', function () {
    const file = readAttentionJson({
      format: 'attention-lens/result@1',
      model: { name: 'm' },
      source: { text: 'a🙂' },
      tokens: [
        { text: 'a', start: 0, end: 1 },
        { text: '\u00f0\u0141', start: 1, end: 3 },
        { text: '\u013b', start: 1, end: 3 },
        { text: '\u0124', start: 1, end: 3 },
      ],
      attention: [[[[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.25, 0.25, 0.5, 0], [0.25, 0.25, 0.25, 0.25]]]],
    });
    assert.deepEqual(
      fileTokens(file.queries).tokens.map((t) => [t.start, t.end]),
      [
        [0, 1],
        [1, 1],
        [1, 1],
        [1, 3],
      ],
    );
  });

  it('refuses cross-attention: a run has one token sequence', function () {
    assert.throws(() => runFromFile(read('cross-attention.attention.safetensors'), alone), /two token sequences/);
  });
});

describe('cross-attention matrices', function () {
  it('slices one head and aggregates heads of a [heads, T_q, T_k] layer', function () {
    // 2 heads, 2 queries, 3 keys.
    const layer = Float32Array.from([0.2, 0.3, 0.5, 1, 0, 0, 0.6, 0.2, 0.2, 0, 0, 1]);
    assert.deepEqual([...crossMatrix(layer, 2, 2, 3, 1)!], [0.6, 0.2, 0.2, 0, 0, 1].map(Math.fround));
    assert.deepEqual([...crossMatrix(layer, 2, 2, 3, 'max')!], [0.6, 0.3, 0.5, 1, 0, 1].map(Math.fround));
    const mean = crossMatrix(layer, 2, 2, 3, 'mean')!;
    [0.4, 0.25, 0.35, 0.5, 0, 0.5].forEach((v, i) => assert.ok(Math.abs(mean[i] - v) < 1e-6));
    assert.equal(crossMatrix(layer, 2, 2, 3, 2), undefined);
  });

  it('reads the cross-attention fixture with T_q ≠ T_k and both token lists', function () {
    const file = read('cross-attention.attention.safetensors');
    assert.equal(file.kind, 'cross');
    assert.notEqual(file.queryCount, file.keyCount);
    const m = crossMatrix(file.attention[0], file.heads, file.queryCount, file.keyCount, 0)!;
    assert.equal(m.length, file.queryCount * file.keyCount);
    assert.equal(fileTokens(file.keys).tokens.length, file.keyCount);
  });
});
