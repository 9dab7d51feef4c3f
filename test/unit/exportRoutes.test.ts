/**
 * The ONNX exports users bring, through the real AttentionModel.load path and real
 * onnxruntime-web: PyTorch modules exported by torch.onnx (make_torch_fixtures.py), KV-cache
 * decoders with Optimum's input names, fused attention operators (rewritten in memory and checked
 * against their unfused twins), float16, bfloat16, int8, 4-bit (MatMulNBits) and external-data copies
 * (make_fixtures.py).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ort = require('onnxruntime-web');
import { AttentionModel } from '../../src/inference/attentionModel';
import { skipWithoutNative } from '../reference/nativeRuntime';
import { loadAttentionModel } from '../../src/inference/nativeEngine';
import { ModelLoadError } from '../../src/inference/modelErrors';
import { inspectModelGraph } from '../../src/inference/modelGraph';
import { buildFeeds, planInputs } from '../../src/inference/modelInputs';
import type { InferenceOutput } from '../../src/inference/workerProtocol';
import { FIXTURES, fixture, ROUTES } from '../reference/exportFixtures';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');

/** Rows sum to 1; with `causal`, every weight above the diagonal is 0. */
function assertAttention(output: InferenceOutput, layers: number, heads: number, causal: boolean): void {
  const T = output.tokens.length;
  assert.ok(T > 2, 'the text gives several tokens');
  assert.equal(output.attention.length, layers);
  for (const [layer, weights] of output.attention.entries()) {
    assert.ok(weights instanceof Float32Array, `layer ${layer} is float32`);
    assert.equal(weights.length, heads * T * T, `layer ${layer} holds [${heads}, ${T}, ${T}]`);
    for (let row = 0; row < heads * T; row++) {
      const values = weights.subarray(row * T, (row + 1) * T);
      const sum = values.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-3, `layer ${layer}, row ${row} sums to ${sum}`);
      if (causal) {
        const query = row % T;
        for (let key = query + 1; key < T; key++) assert.ok(values[key]! < 1e-6, `layer ${layer}, row ${row}: key ${key} after query ${query} has ${values[key]}`);
      }
    }
  }
}

describe('export routes: every fixture through AttentionModel.load', function () {
  this.timeout(60_000);

  for (const route of ROUTES) {
    it(`${route.file}: ${route.layers} layers × ${route.heads} heads${route.causal ? ', causal' : ''}`, async function () {
      const model = await AttentionModel.load(fixture(route.file), WASM_DIR);
      try {
        assert.equal(model.info.layers, route.layers);
        assert.equal(model.info.heads, route.heads);
        assert.equal(model.info.causal, route.causal);
        if (route.found) assert.match(model.info.found ?? '', route.found);
        const output = await model.run('attention is all you need', 512);
        // Causality checked from the weights, whatever the model says of itself.
        const causal = route.causal || ['torch-encoder-lm.onnx', 'onnx-attention.onnx', 'packed-attention.onnx', 'matmul-nbits.onnx'].includes(route.file);
        assertAttention(output, route.layers, route.heads, causal);
      } finally {
        await model.dispose();
      }
    });
  }
});

describe('export routes on the native engine: every fixture runs on onnxruntime-node, with the attention of WASM', function () {
  this.timeout(60_000);

  before(function () {
    skipWithoutNative(this);
  });

  for (const route of ROUTES) {
    it(route.file, async function () {
      const text = 'attention is all you need';
      const native = await loadAttentionModel({ ...fixture(route.file), runtime: 'native' }, WASM_DIR, REPO_ROOT);
      const wasm = await AttentionModel.load(fixture(route.file), WASM_DIR);
      try {
        // Not fallen back to WASM: the reason would be here.
        assert.equal(native.info.runtimeFallback, undefined);
        assert.equal(native.info.backend, 'native');
        const [a, b] = [await native.run(text, 512), await wasm.run(text, 512)];
        assert.deepEqual(a.tokens, b.tokens);
        let worst = 0;
        for (const [layer, weights] of a.attention.entries()) {
          for (let i = 0; i < weights.length; i++) worst = Math.max(worst, Math.abs(weights[i]! - b.attention[layer]![i]!));
        }
        // The same graph on other kernels (MLAS against WASM SIMD); quantized and float16
        // arithmetic round differently in each.
        const tolerance = /float16|quantized/.test(native.info.found ?? '') ? 2e-3 : 1e-5;
        assert.ok(worst <= tolerance, `attention differs by ${worst} (tolerance ${tolerance})`);
      } finally {
        await native.dispose();
        await wasm.dispose();
      }
    });
  }
});

describe('the bundled model: float16 weights computed in float32', function () {
  this.timeout(60_000);

  it('its matrices are float16 initializers read only through Casts; it loads and runs as a plain float32 model', async function () {
    const folder = path.join(REPO_ROOT, 'media', 'model');
    const file = path.join(folder, 'model.onnx');
    const graph = inspectModelGraph(readFileSync(file), file);
    assert.equal(graph.precision, 'float16 weights');
    // The embedding table sits behind a Cast: its rows are still found (the tokenizer check).
    assert.equal(graph.embeddingRows, 4096);
    const model = await AttentionModel.load({ folder, threads: 1 }, WASM_DIR);
    try {
      // float32 arithmetic: nothing for the header to say beyond layers × heads.
      assert.equal(model.info.found, undefined);
      const output = await model.run('def f(x):\n    return x + 1\n', 512);
      assertAttention(output, 4, 4, true);
    } finally {
      await model.dispose();
    }
  });
});

/** Runs `file` once on `ids` with its attention exposed: every output, as float32 arrays. */
async function runExposed(file: string, ids: readonly number[]): Promise<{ attention: Float32Array[]; outputs: Record<string, Float32Array> }> {
  const full = path.join(FIXTURES, file);
  const graph = inspectModelGraph(readFileSync(full), full);
  const session = await ort.InferenceSession.create(graph.modelBytes, {
    executionProviders: ['wasm'],
    logSeverityLevel: 3,
    ...(graph.upcastData ? { externalData: [graph.upcastData] } : {}),
  });
  try {
    const inputs = planInputs(graph.inputs, full);
    const feeds = buildFeeds(inputs, ids, (type, data, dims) => new ort.Tensor(type, data, dims));
    const declared = session.outputNames.filter((n) => !graph.attention.includes(n) && !n.startsWith('present'));
    const results = await session.run(feeds, [...declared, ...graph.attention]);
    return {
      attention: graph.attention.map((n) => results[n]!.data as Float32Array),
      outputs: Object.fromEntries(declared.map((n) => [n, results[n]!.data as Float32Array])),
    };
  } finally {
    await session.release();
  }
}

/** Runs `stem`.onnx and `stem`-twin.onnx (the same weights in plain operators) on `ids`: each
 *  layer's attention within 1e-5, the declared outputs within 1e-4 of the largest value. */
async function assertTwins(stem: string, ids: readonly number[], layers = 1): Promise<void> {
  const fused = await runExposed(`${stem}.onnx`, ids);
  const twin = await runExposed(`${stem}-twin.onnx`, ids);
  assert.equal(fused.attention.length, layers);
  assert.equal(twin.attention.length, layers);
  for (const [layer, a] of fused.attention.entries()) {
    const b = twin.attention[layer]!;
    assert.equal(a.length, b.length);
    let attentionDiff = 0;
    for (let i = 0; i < a.length; i++) attentionDiff = Math.max(attentionDiff, Math.abs(a[i]! - b[i]!));
    assert.ok(attentionDiff <= 1e-5, `layer ${layer}: attention differs by ${attentionDiff}`);
  }
  // The twins name their tensors differently; their declared outputs correspond in order.
  const [fusedOut, twinOut] = [Object.values(fused.outputs), Object.values(twin.outputs)];
  assert.equal(fusedOut.length, twinOut.length, 'the fused model keeps its outputs');
  for (const [index, name] of Object.keys(twin.outputs).entries()) {
    const [x, y] = [fusedOut[index]!, twinOut[index]!];
    assert.equal(x.length, y.length);
    // Relative to the tensor's largest magnitude: single values near 0 have no meaningful ratio.
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
      scale = Math.max(scale, Math.abs(y[i]!));
    }
    assert.ok(diff <= 1e-4 * scale, `${name} differs by ${diff} of ${scale} (${diff / scale} relative)`);
  }
}

describe('fused attention rewritten in memory equals its unfused twin', function () {
  this.timeout(60_000);
  const ids = [3, 10, 11, 12, 4, 20, 21, 1];

  // group-query-attention-packed: packed QKV, one key/value head (MQA), softcap 3, local window 2.
  // packed-attention: com.microsoft Attention with packed QKV weights and bias, unidirectional.
  // group-query-attention-interleaved: rotary on interleaved pairs (rotary_interleaved = 1).
  // multihead-attention-bias: packed Q/K/V bias input and an attention_bias computed in the graph.
  const stems = ['multihead-attention', 'multihead-attention-bias', 'onnx-attention', 'group-query-attention', 'group-query-attention-packed', 'group-query-attention-interleaved', 'packed-attention'];
  for (const stem of stems) {
    it(`${stem}: model outputs within 1e-4 relative, attention within 1e-5`, async function () {
      await assertTwins(stem, ids);
    });
  }

  it('4-bit MatMulNBits weights (packed zero points, symmetric): outputs and attention of the float32 twin with the dequantized weights', async function () {
    await assertTwins('matmul-nbits', ids, 2);
  });

  it('a merged decoder (If on use_cache_branch) gives the attention of its plain twin exactly', async function () {
    const merged = await runExposed('gpt2-kv-merged.onnx', ids);
    const plain = await runExposed('gpt2-kv.onnx', ids);
    assert.equal(merged.attention.length, 2);
    for (const [layer, weights] of merged.attention.entries()) assert.deepEqual(weights, plain.attention[layer], `layer ${layer}`);
    assert.deepEqual(merged.outputs.logits, plain.outputs.logits, 'the If still computes the logits');
  });

  it('a bfloat16 model (upcast in memory) gives the attention and outputs of its float32 twin', async function () {
    const upcast = await runExposed('bfloat16.onnx', ids);
    const twin = await runExposed('bfloat16-twin.onnx', ids);
    assert.equal(upcast.attention.length, 2);
    // The same float32 weights and the same graph: only kernel scheduling could differ.
    for (const [layer, weights] of upcast.attention.entries()) {
      const other = twin.attention[layer]!;
      assert.equal(weights.length, other.length);
      for (let i = 0; i < weights.length; i++) assert.ok(Math.abs(weights[i]! - other[i]!) <= 1e-6, `layer ${layer}, index ${i}: ${weights[i]} vs ${other[i]}`);
    }
    const [a, b] = [Object.values(upcast.outputs)[0]!, Object.values(twin.outputs)[0]!];
    assert.ok(a instanceof Float32Array && a.length === b.length && a.length > 0);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `output ${i}: ${a[i]} vs ${b[i]}`);
  });

  it('a fused rotary model takes its context from the cos cache: a longer text is truncated, not refused by onnxruntime', async function () {
    const model = await AttentionModel.load(fixture('group-query-attention.onnx'), WASM_DIR);
    try {
      assert.equal(model.info.context, 64, 'cos_cache holds 64 positions');
      const output = await model.run('attention is all you need '.repeat(8), 512);
      assert.equal(output.truncated, true);
      assert.equal(output.tokens.length, 64);
      assertAttention(output, 1, 4, true);
    } finally {
      await model.dispose();
    }
  });

  it('the user file is not written: the rewrite appends to a copy in memory', function () {
    const file = path.join(FIXTURES, 'group-query-attention.onnx');
    const before = readFileSync(file);
    const graph = inspectModelGraph(before, file);
    assert.ok(graph.modelBytes.length > before.length);
    assert.deepEqual(Buffer.from(graph.modelBytes.subarray(0, before.length)), before, 'the original bytes come first, unchanged');
    assert.deepEqual(readFileSync(file), before);
  });
});

describe('export routes: refusals say what was found', function () {
  it('a cache input whose sizes neither the graph nor config.json state', function () {
    assert.throws(
      () => planInputs([{ name: 'input_ids', elemType: 7, shape: [1, 'T'] }, { name: 'past_key_values.0.key', elemType: 1, shape: ['batch', 'heads', 'past', 'head_dim'] }], 'm.onnx'),
      (err: unknown) => err instanceof ModelLoadError && err.kind === 'unsupported-input' && /past_key_values\.0\.key" does not state .*config\.json .*num_key_value_heads/.test(err.message),
    );
    const [, past] = planInputs(
      [{ name: 'input_ids', elemType: 7, shape: [1, 'T'] }, { name: 'past_key_values.0.decoder.value', elemType: 10, shape: ['batch', 'heads', 'past', 'head_dim'] }],
      'm.onnx',
      { kvHeads: 2, headDim: 16 },
    );
    assert.deepEqual(past, { name: 'past_key_values.0.decoder.value', role: 'past', type: 'float16', pastDims: [2, 16] });
  });

  it('the feeds of a KV-cache decoder: empty past, mask over past + T, positions, cache_position, use_cache_branch false', function () {
    const inputs = planInputs(
      [
        { name: 'input_ids', elemType: 7, shape: [1, 'T'] },
        { name: 'attention_mask', elemType: 7, shape: [1, 'total'] },
        { name: 'position_ids', elemType: 7, shape: [1, 'T'] },
        { name: 'cache_position', elemType: 7, shape: ['T'] },
        { name: 'use_cache_branch', elemType: 9, shape: [1] },
        { name: 'past_key_values.0.key', elemType: 1, shape: ['batch', 2, 'past', 8] },
      ],
      'm.onnx',
    );
    const feeds = buildFeeds(inputs, [5, 6, 7], (type, data, dims) => ({ type, data: [...data].map(Number), dims }));
    assert.deepEqual(feeds, {
      input_ids: { type: 'int64', data: [5, 6, 7], dims: [1, 3] },
      attention_mask: { type: 'int64', data: [1, 1, 1], dims: [1, 3] },
      position_ids: { type: 'int64', data: [0, 1, 2], dims: [1, 3] },
      cache_position: { type: 'int64', data: [0, 1, 2], dims: [3] },
      use_cache_branch: { type: 'bool', data: [0], dims: [1] },
      'past_key_values.0.key': { type: 'float32', data: [], dims: [1, 2, 0, 8] },
    });
  });
});
