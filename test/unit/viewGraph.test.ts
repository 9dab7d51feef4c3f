// The model a session runs is derived from the file and not kept: the bytes another engine asks
// for (WebGPU) are derived again, equal to what the session got, and refused when the file changed
// on disk (another model, or the same graph saved again).
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AttentionModel } from '../../src/inference/attentionModel';
import { ModelLoadError } from '../../src/inference/modelErrors';
import { fetchedOutputs } from '../../src/inference/outputDecoding';
import { HeldBytes } from '../../src/inference/viewGraph';
import { readOnnxModel } from '../../src/onnx/readModel';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const BUNDLED = path.join(REPO_ROOT, 'media', 'model');
const TINYBERT = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'tribuo-tinybert', 'tinybert.onnx');

describe('view graph: the model bytes a session runs', function () {
  this.timeout(60_000);
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-view-graph-'));
    for (const file of ['model.onnx', 'tokenizer.json', 'config.json']) copyFileSync(path.join(BUNDLED, file), path.join(folder, file));
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('derives the cut model again for another engine: exactly the outputs the session fetches, logits cut', async () => {
    const model = await AttentionModel.load({ folder, threads: 1 }, WASM_DIR);
    try {
      const declared = readOnnxModel(await model.engineModelBytes()).graph.outputs.map((o) => o.name);
      assert.deepEqual([...declared].sort(), [...fetchedOutputs(model.outputs)].sort());
      assert.ok(!declared.includes('logits'));
      // Asked again, it is derived again (nothing was handed over for good).
      assert.ok((await model.engineModelBytes()).length > 0);
    } finally {
      await model.dispose();
    }
  });

  it('refuses to hand over a model file that changed on disk since the load, saying to run again', async () => {
    const model = await AttentionModel.load({ folder, threads: 1 }, WASM_DIR);
    const changed = (err: unknown) => err instanceof ModelLoadError && /changed on disk since it was loaded/.test(err.message);
    try {
      // Another model in its place.
      copyFileSync(TINYBERT, path.join(folder, 'model.onnx'));
      await assert.rejects(model.engineModelBytes(), changed);
      // The same graph with other weights (same size, same outputs): told apart by its time.
      const bytes = readFileSync(path.join(BUNDLED, 'model.onnx'));
      writeFileSync(path.join(folder, 'model.onnx'), bytes);
      utimesSync(path.join(folder, 'model.onnx'), new Date(), new Date(Date.now() + 5_000));
      await assert.rejects(model.engineModelBytes(), changed);
    } finally {
      await model.dispose();
    }
  });

  it('held bytes are handed over once', () => {
    const held = new HeldBytes(new Uint8Array(8));
    assert.equal(held.take().length, 8);
    assert.equal(held.size, 8);
    assert.throws(() => held.take(), /already handed over/);
  });
});
