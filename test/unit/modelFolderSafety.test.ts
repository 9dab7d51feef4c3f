/**
 * Model folders as an attacker (or an unlucky download) makes them: FIFOs, links to devices,
 * files past their size cap, external data that leaves the folder or cannot fit the WebAssembly
 * heap, attention hidden in control flow. Each load ends at once with a message that says what
 * was found; none reads a file it should not.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AttentionModel } from '../../src/inference/attentionModel';
import { layoutFromShapes } from '../../src/inference/attentionShape';
import { ModelLoadError, type ModelLoadErrorKind } from '../../src/inference/modelErrors';
import { WASM_HEAP_BYTES, maxTokensWithinBudget, noTextFits } from '../../src/inference/requestBudget';
import { MAX_CONFIG_BYTES, MAX_MODEL_BYTES, MAX_TOKENIZER_BYTES, MAX_WEIGHT_BYTES } from '../../src/inference/modelFolder';
import { inspectModelGraph } from '../../src/inference/modelGraph';
import { appendGraphField } from '../../src/onnx/appendGraph';
import { ModelProtoType, type RawGraph, type RawNode } from '../../src/onnx/onnxSchema';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'models');
const TOKENIZER = readFileSync(path.join(FIXTURES, 'tokenizer.json'));
const MODEL = readFileSync(path.join(FIXTURES, 'attention-2x2.onnx'));

async function inFolder(prepare: (folder: string) => void, use: (folder: string) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-safety-'));
  try {
    prepare(folder);
    await use(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function assertLoadFails(folder: string, kind: ModelLoadErrorKind, message: RegExp, extra: Partial<{ modelFile: string }> = {}): Promise<ModelLoadError> {
  let caught: ModelLoadError | undefined;
  await assert.rejects(AttentionModel.load({ folder, threads: 1, ...extra }, WASM_DIR), (err: unknown) => {
    assert.ok(err instanceof ModelLoadError, `expected a ModelLoadError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    caught = err;
    return true;
  });
  return caught!;
}

/** Model bytes with `graph` (written by the same appendGraphField the app uses). */
function modelWith(graph: RawGraph): Uint8Array {
  const header = ModelProtoType.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
  return appendGraphField(header, graph);
}

const FLOAT = { tensorType: { elemType: 1 } };

describe('model folder safety: files are opened safely and bounded', function () {
  this.timeout(30_000);

  it('a tokenizer.json that is a FIFO is refused at once instead of hanging', async function () {
    if (process.platform === 'win32') this.skip();
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        execFileSync('mkfifo', [path.join(folder, 'tokenizer.json')]);
      },
      (folder) => assertLoadFails(folder, 'missing-file', /tokenizer .*tokenizer\.json is not a regular file \(a device, FIFO, socket or folder\)/).then(() => undefined),
    );
  });

  it('a tokenizer.json linked to an endless device is refused without reading it', async function () {
    if (process.platform === 'win32') this.skip();
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        symlinkSync('/dev/zero', path.join(folder, 'tokenizer.json'));
      },
      (folder) => assertLoadFails(folder, 'missing-file', /is not a regular file/).then(() => undefined),
    );
  });

  it('a sparse model.onnx over 2 GiB is refused before a byte is read, saying its size and the cap', async function () {
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), '');
        truncateSync(path.join(folder, 'model.onnx'), MAX_MODEL_BYTES + 1);
        writeFileSync(path.join(folder, 'tokenizer.json'), TOKENIZER);
      },
      (folder) => assertLoadFails(folder, 'too-big', /model\.onnx is 2\.00 GiB, more than the 2\.00 GiB Attention Lens reads for a model/).then(() => undefined),
    );
  });

  it('a tokenizer over 100 MB and a config.json over 1 MB are refused with their caps', async function () {
    assert.equal(MAX_TOKENIZER_BYTES, 100 * 1024 ** 2);
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        writeFileSync(path.join(folder, 'tokenizer.json'), '');
        truncateSync(path.join(folder, 'tokenizer.json'), MAX_TOKENIZER_BYTES + 1);
      },
      (folder) => assertLoadFails(folder, 'too-big', /tokenizer\.json is 100\.0 MB, more than the 100\.0 MB Attention Lens reads for a tokenizer/).then(() => undefined),
    );
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        writeFileSync(path.join(folder, 'tokenizer.json'), TOKENIZER);
        writeFileSync(path.join(folder, 'config.json'), ' '.repeat(MAX_CONFIG_BYTES + 1));
      },
      (folder) => assertLoadFails(folder, 'too-big', /config\.json is 1\.0 MB, more than the 1\.0 MB Attention Lens reads/).then(() => undefined),
    );
  });

  it('a config.json that is not JSON: the message does not echo its contents', async function () {
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        writeFileSync(path.join(folder, 'tokenizer.json'), TOKENIZER);
        writeFileSync(path.join(folder, 'config.json'), '{"api_key": "sk-SECRET-VALUE" oops');
      },
      async (folder) => {
        const err = await assertLoadFails(folder, 'config', /config\.json is not valid JSON\. Fix it/);
        assert.doesNotMatch(err.message, /SECRET|api_key/);
      },
    );
  });

  it('a tokenizer.json that is not JSON: the message does not echo its contents', async function () {
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), MODEL);
        writeFileSync(path.join(folder, 'tokenizer.json'), 'PRIVATE-KEY-MATERIAL {');
      },
      async (folder) => {
        const err = await assertLoadFails(folder, 'tokenizer', /tokenizer\.json is not valid JSON\. Check that the file is complete/);
        assert.doesNotMatch(err.message, /PRIVATE/);
      },
    );
  });
});

describe('model folder safety: external data', function () {
  this.timeout(30_000);

  it('weights that cannot fit the WebAssembly heap are refused before loading, saying how big they are', async function () {
    await inFolder(
      (folder) => {
        writeFileSync(path.join(folder, 'model.onnx'), readFileSync(path.join(FIXTURES, 'external-data.onnx')));
        writeFileSync(path.join(folder, 'tokenizer.json'), TOKENIZER);
        writeFileSync(path.join(folder, 'external-data.onnx_data'), '');
        truncateSync(path.join(folder, 'external-data.onnx_data'), MAX_WEIGHT_BYTES);
      },
      (folder) => assertLoadFails(folder, 'too-big', /hold 3\.50 GiB of weights, more than the 3\.50 GiB onnxruntime-web can load into its 4 GiB WebAssembly heap/).then(() => undefined),
    );
  });

  it('on WebAssembly the run budget counts the weights that share the heap', function () {
    const available = 64 * 1024 ** 3;
    const light = { layers: 2, heads: 4, onWasmHeap: true };
    const heavy = { ...light, weightBytes: 3.5 * 1024 ** 3 };
    const fits = maxTokensWithinBudget(heavy, available);
    assert.ok(fits < maxTokensWithinBudget(light, available));
    // What the weights leave of the 4 GiB heap: the attention twice and one layer's working memory.
    const heap = (tokens: number) => (2 * 2 * 4 + 3 * 4) * tokens * tokens * 4;
    assert.ok(heap(fits) <= WASM_HEAP_BYTES - heavy.weightBytes && heap(fits + 1) > WASM_HEAP_BYTES - heavy.weightBytes);
    // Off the heap (the native runtime) only the machine's memory bounds it.
    assert.ok(maxTokensWithinBudget({ ...heavy, onWasmHeap: false }, available) > fits);
    assert.match(noTextFits({ ...heavy, layers: 1e7 }, 2, available).message, /more than the 4 GiB WebAssembly heap leaves beside 3\.50 GiB of weights\. Use a smaller model, or the native runtime/);
    // When the machine's memory would not hold the run either, the native runtime is not suggested.
    const both = noTextFits({ ...heavy, layers: 1e7 }, 2, 1024 ** 3).message;
    assert.match(both, /WebAssembly heap leaves beside 3\.50 GiB of weights, and more than half of the 1\.00 GiB of memory available now\. Use a smaller model \(fewer layers or heads\)\.$/);
    assert.doesNotMatch(both, /native/);
  });

  it('a location outside the model folder is refused', function () {
    const bytes = modelWith({
      initializer: [{ name: 'w', dataType: 1, dims: [2], externalData: [{ key: 'location', value: '../../etc/passwd' }], dataLocation: 1 }],
      node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
      output: [{ name: 'y', type: FLOAT }],
    });
    assert.throws(() => inspectModelGraph(bytes, 'm.onnx'), (err: unknown) =>
      err instanceof ModelLoadError && err.kind === 'external-data' && /names the external data location "\.\.\/\.\.\/etc\/passwd", which is not a file beside the model/.test(err.message));
  });

  it('external data held in a node attribute or a subgraph is refused with the tensor named', function () {
    const constant: RawNode = {
      opType: 'Constant',
      output: ['c'],
      attribute: [{ name: 'value', type: 4, t: { name: 'hidden', dataType: 1, dims: [2], externalData: [{ key: 'location', value: 'w.bin' }], dataLocation: 1 } }],
    };
    const bytes = modelWith({ node: [constant], output: [{ name: 'c', type: FLOAT }] });
    assert.throws(() => inspectModelGraph(bytes, 'm.onnx'), (err: unknown) =>
      err instanceof ModelLoadError && err.kind === 'external-data' && /tensors held in node attributes or subgraphs \(hidden\)/.test(err.message));
  });
});

describe('attention the views cannot show is refused with what was found', function () {
  const softmaxBody: RawGraph = {
    node: [
      { opType: 'Softmax', input: ['x'], output: ['p'] },
      { opType: 'MatMul', input: ['p', 'x'], output: ['y'] },
    ],
    output: [{ name: 'y', type: FLOAT }],
  };

  for (const op of ['Loop', 'Scan', 'If'] as const) {
    it(`attention inside a ${op} body`, function () {
      const attribute = op === 'If' ? [{ name: 'then_branch', type: 5, g: softmaxBody }, { name: 'else_branch', type: 5, g: softmaxBody }] : [{ name: 'body', type: 5, g: softmaxBody }];
      const bytes = modelWith({
        input: [{ name: 'input_ids', type: { tensorType: { elemType: 7 } } }],
        node: [{ opType: op, input: ['cond'], output: ['y'], attribute }],
        output: [{ name: 'y', type: FLOAT }],
      });
      const advice = op === 'If' ? /condition is the use_cache_branch input; this If branches on something else.*--no-post-process/ : new RegExp(`Attention computed in a ${op} body .*unrolled`);
      assert.throws(() => inspectModelGraph(bytes, 'm.onnx'), (err: unknown) =>
        err instanceof ModelLoadError && err.kind === 'no-attention' && new RegExp(`inside a ${op} node's subgraph`).test(err.message) && advice.test(err.message));
    });
  }

  it('layouts: [1,H,T,T], [H,T,T], [1,T,T], [T,T] and mean of heads; two leading sizes above 1 are ambiguous', function () {
    const t = (dims: number[]) => [{ name: 'a', type: 'float32', dims }];
    assert.deepEqual(layoutFromShapes(t([1, 4, 3, 3]), 3, 'm'), { heads: 4, layout: 'batch-heads' });
    assert.deepEqual(layoutFromShapes(t([4, 3, 3]), 3, 'm'), { heads: 4, layout: 'merged-heads' });
    assert.deepEqual(layoutFromShapes(t([1, 3, 3]), 3, 'm'), { heads: 1, layout: 'one-head' });
    assert.deepEqual(layoutFromShapes(t([3, 3]), 3, 'm'), { heads: 1, layout: 'one-head' });
    assert.deepEqual(layoutFromShapes(t([1, 3, 3]), 3, 'm', new Set(['a'])), { heads: 1, layout: 'mean-of-heads' });
    assert.deepEqual(layoutFromShapes([{ name: 'a', type: 'float16', dims: [1, 2, 3, 3] }], 3, 'm'), { heads: 2, layout: 'batch-heads' });
    assert.throws(() => layoutFromShapes(t([2, 2, 3, 3]), 3, 'm'), /"a" has shape \[2, 2, 3, 3\] for 3 tokens; more than one leading size is above 1/);
    assert.throws(() => layoutFromShapes(t([1, 3, 2, 3]), 3, 'm'), /has shape \[1, 3, 2, 3\] for 3 tokens; its last two sizes are not queries × keys/);
    assert.throws(() => layoutFromShapes([{ name: 'a', type: 'int64', dims: [1, 1, 3, 3] }], 3, 'm'), /is int64; Attention Lens reads float tensors/);
  });
});
