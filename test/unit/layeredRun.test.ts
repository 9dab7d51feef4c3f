/**
 * Runs layer by layer (onnx/splitGraph.ts, inference/layeredSession.ts): every export-route
 * fixture and the bundled model, split into one onnxruntime-node session per layer, give the
 * attention and q/k/v/o of the same model run in one pass, and hand each layer over on its own.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadAttentionModel } from '../../src/inference/nativeEngine';
import type { AttentionModel } from '../../src/inference/attentionModel';
import type { InferenceOutput, ModelLocation } from '../../src/inference/workerProtocol';
import { fixture, ROUTES } from '../reference/exportFixtures';
import { skipWithoutNative } from '../reference/nativeRuntime';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const BUNDLED: ModelLocation = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const TEXT = 'def add(a, b):\n    return (a + b) * [a, b][0]\n';

function largestDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((x, l) => {
    assert.equal(x.length, b[l]!.length, `layer ${l} sizes`);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - b[l]![i]!));
  });
  return worst;
}

function vectorsOf(output: InferenceOutput): Float32Array[] {
  return (output.vectors ?? []).flatMap((v) => [v.q, v.k, v.v, v.o]);
}

async function compare(location: ModelLocation): Promise<void> {
  const onePass = await loadAttentionModel({ ...location, runtime: 'native' }, WASM_DIR, REPO_ROOT);
  let layered: AttentionModel | undefined;
  try {
    layered = await loadAttentionModel({ ...location, runtime: 'native', layeredFromBytes: 0 }, WASM_DIR, REPO_ROOT);
    assert.equal(layered.info.runtimeFallback, undefined, 'runs natively');
    assert.equal(onePass.layered, false, 'a small model runs in one pass by default');
    assert.equal(layered.layered, true, 'layeredFromBytes 0 runs layer by layer');
    assert.deepEqual({ ...layered.info, loadMs: 0 }, { ...onePass.info, loadMs: 0, layered: true }, 'the same model facts');
    const a = await onePass.run(TEXT, 512);
    const b = await layered.run(TEXT, 512);
    assert.deepEqual(b.tokens, a.tokens);
    // The same kernels on the same shapes; only fusions across a layer's boundary may differ,
    // which in float16 arithmetic rounds differently (the tolerance of native against WASM).
    const tolerance = /float16/.test(onePass.info.found ?? '') ? 2e-3 : 1e-6;
    assert.ok(largestDifference(b.attention, a.attention) <= tolerance, `attention differs by ${largestDifference(b.attention, a.attention)}`);
    assert.ok(largestDifference(vectorsOf(b), vectorsOf(a)) <= 1e-5, `vectors differ by ${largestDifference(vectorsOf(b), vectorsOf(a))}`);
    // Handed over one layer at a time, in order, the returned arrays left empty.
    const handed: number[] = [];
    const sunk = await layered.run(TEXT, 512, undefined, (layer, attention, vectors) => {
      handed.push(layer);
      assert.ok(largestDifference([attention], [b.attention[layer]!]) === 0, 'a sink gets what the run returns');
      assert.equal(vectors === undefined, a.vectors === undefined);
    });
    assert.deepEqual(handed, a.attention.map((_, l) => l));
    assert.ok(sunk.attention.every((x) => x.length === 0));
  } finally {
    await onePass.dispose();
    await layered?.dispose();
  }
}

describe('layered runs: one session per layer gives the attention of one pass', function () {
  this.timeout(120_000);

  before(function () {
    skipWithoutNative(this);
  });

  it('the bundled model (attention and q/k/v/o)', () => compare(BUNDLED));

  it('reads the head count from the first layer where the layer count cannot decide, and runs in one pass when the heads say so', async () => {
    // 4 layers x 4 heads at 512 tokens: 16 MiB of attention (4 MiB at one head, 512 MiB at 128).
    const MiB = 1024 ** 2;
    const over = await loadAttentionModel({ ...BUNDLED, runtime: 'native', layeredFromBytes: 10 * MiB }, WASM_DIR, REPO_ROOT);
    const under = await loadAttentionModel({ ...BUNDLED, runtime: 'native', layeredFromBytes: 20 * MiB }, WASM_DIR, REPO_ROOT);
    try {
      assert.equal(over.layered, true);
      assert.equal(under.layered, false);
      const [a, b] = [await over.run(TEXT, 512), await under.run(TEXT, 512)];
      assert.ok(largestDifference(a.attention, b.attention) <= 1e-6);
    } finally {
      await over.dispose();
      await under.dispose();
    }
  });

  for (const route of ROUTES) it(route.file, () => compare(fixture(route.file)));
});
