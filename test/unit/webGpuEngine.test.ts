// The WebGPU engine's host side, with the real worker and the bundled model. The panel end runs
// onnxruntime in this process (WASM: Node has no WebGPU) behind the same message contract the
// webview fulfils; the e2e test runs the real webview on a real (software) WebGPU adapter.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { chooseEngine, fallbackMessage, FallbackNotices } from '../../src/inference/engineChoice';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { InferenceEngines } from '../../src/inference/inferenceEngines';
import { decodeOutputs, MissingOutputError } from '../../src/inference/outputDecoding';
import { WebGpuEngine, type WebGpuPanel, type WebGpuRunRequest } from '../../src/inference/webGpuEngine';
import { MessageType, parseWebviewMessage } from '../../src/shared/protocol';
import { typedData, type RunOnWebGpuMessage, type WebGpuReply } from '../../src/shared/protocol';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORKER = path.join(REPO_ROOT, 'dist', 'worker.js');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const MODEL = { folder: path.join(REPO_ROOT, 'media', 'model'), threads: 1 };
const TEXT = 'function add(a, b) {\n  return a + b;\n}\n';
const RUNTIME = new Uint8Array([0, 97, 115, 109]);

/** A panel that keeps a runtime and one model like the webview does, and runs them with onnxruntime here. */
class InProcessPanel implements WebGpuPanel {
  visible = true;
  readonly requests: Omit<RunOnWebGpuMessage, 'type' | 'script'>[] = [];
  private runtime = false;
  private session: { key: string; session: ort.InferenceSession } | undefined;
  constructor(private readonly noAdapter = false) {}

  /** As after a webview reload: the runtime and the model are gone. */
  forget(): void {
    this.runtime = false;
    this.session = undefined;
  }

  async run(request: WebGpuRunRequest): Promise<WebGpuReply> {
    const requestId = this.requests.push({ ...request, requestId: this.requests.length + 1 });
    const failed = (reason: string, needs?: 'runtime' | 'model'): WebGpuReply => ({ type: MessageType.WebGpuFailed, requestId, reason, ...(needs ? { needs } : {}) });
    if (this.noAdapter) return failed('no WebGPU adapter: navigator.gpu.requestAdapter() returned null');
    if (!this.runtime && !request.runtime) return failed('the WebGPU runtime is not loaded yet', 'runtime');
    this.runtime = true;
    if (this.session?.key !== request.modelKey) {
      if (!request.model) return failed('the model is not loaded yet', 'model');
      this.session = { key: request.modelKey, session: await ort.InferenceSession.create(new Uint8Array(request.model), { executionProviders: ['wasm'] }) };
    }
    const feeds = Object.fromEntries(request.feeds.map((t) => [t.name, new ort.Tensor(t.type, typedData(t) as Float32Array, [...t.dims])]));
    const results = await this.session.session.run(feeds, [...request.outputs]);
    const outputs = request.outputs.map((name) => {
      const data = results[name].data as Float32Array;
      return { name, type: 'float32' as const, dims: [...results[name].dims], data: data.slice().buffer };
    });
    // Through the host's validation, as a webview reply would go.
    const reply = parseWebviewMessage({ type: MessageType.WebGpuResult, requestId, outputs, adapter: 'in-process', sessionMs: 1, runMs: 2 });
    assert.ok(reply && reply.type === MessageType.WebGpuResult, 'a well-formed reply');
    return reply;
  }
}

describe('WebGPU engine: choice and fallback', () => {
  it('runs WebGPU only when asked and the panel is visible; otherwise WASM, with a reason when WebGPU was asked', () => {
    assert.deepEqual(chooseEngine('webgpu', 'visible'), { engine: 'webgpu' });
    for (const panel of ['visible', 'hidden', 'closed'] as const) {
      assert.deepEqual(chooseEngine('wasm', panel), { engine: 'worker', runtime: 'wasm' });
      assert.deepEqual(chooseEngine('auto', panel), { engine: 'worker', runtime: 'wasm' });
      assert.deepEqual(chooseEngine('auto', panel, true), { engine: 'worker', runtime: 'native' }, 'auto runs native where the package carries it');
      assert.deepEqual(chooseEngine('wasm', panel, true), { engine: 'worker', runtime: 'wasm' });
      // native tries onnxruntime-node in the worker; the worker falls back to WASM by itself.
      assert.deepEqual(chooseEngine('native', panel), { engine: 'worker', runtime: 'native' });
    }
    assert.match((chooseEngine('webgpu', 'closed') as { fallbackReason: string }).fallbackReason, /panel is not open/);
    assert.match((chooseEngine('webgpu', 'hidden') as { fallbackReason: string }).fallbackReason, /panel is hidden/);
  });

  it('tells each fallback reason once', () => {
    const notices = new FallbackNotices();
    assert.equal(notices.firstTime('no adapter'), true);
    assert.equal(notices.firstTime('no adapter'), false);
    assert.equal(notices.firstTime('panel closed'), true);
    assert.match(fallbackMessage('no adapter'), /WebGPU is unavailable \(no adapter\); running the model on WASM/);
  });
});

describe('WebGPU engine: replies from the webview', () => {
  const output = (dims: number[], bytes: number) => ({ name: 'attn_0', type: 'float32', dims, data: new ArrayBuffer(bytes) });
  const result = (outputs: unknown[]) => ({ type: MessageType.WebGpuResult, requestId: 1, outputs, adapter: 'swiftshader', sessionMs: 5, runMs: 1 });

  it('accepts well-formed results and failures, dropping extra properties', () => {
    const parsed = parseWebviewMessage({ ...result([output([1, 2, 3, 3], 72)]), evil: 1 });
    assert.ok(parsed?.type === MessageType.WebGpuResult);
    assert.deepEqual(Object.keys(parsed).sort(), ['adapter', 'outputs', 'requestId', 'runMs', 'sessionMs', 'type']);
    assert.deepEqual(parseWebviewMessage({ type: MessageType.WebGpuFailed, requestId: 2, reason: 'no adapter', needs: 'model' }), {
      type: MessageType.WebGpuFailed,
      requestId: 2,
      reason: 'no adapter',
      needs: 'model',
    });
    const long = parseWebviewMessage({ type: MessageType.WebGpuFailed, requestId: 2, reason: 'x'.repeat(10_000), needs: 'evil' });
    assert.ok(long?.type === MessageType.WebGpuFailed && long.reason.length === 2000 && long.needs === undefined);
  });

  it('rejects outputs whose bytes do not match their shape, other types, and malformed fields', () => {
    const bad: unknown[] = [
      result([output([1, 2, 3, 3], 71)]),
      result([output([1, 2, 3, 3], 76)]),
      result([{ ...output([2], 8), type: 'int64' }]),
      result([{ ...output([2], 8), data: new Float32Array(2) }]),
      result([{ ...output([2], 8), name: '' }]),
      result([output([1, 1, 1, 1, 1, 1, 1, 1, 1], 4)]),
      result([output([-1], 0)]),
      { ...result([]), runMs: Number.NaN },
      { ...result([]), adapter: 7 },
      { ...result([]), requestId: -1 },
      { type: MessageType.WebGpuFailed, requestId: 1 },
      { ...result([]), outputs: 'x' },
    ];
    for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message, (_k, v) => (v instanceof ArrayBuffer ? `bytes(${v.byteLength})` : v)));
  });

  it('decoding names an output the run did not return', () => {
    assert.throws(() => decodeOutputs({ attention: ['attn_0'], vectors: undefined }, {}), MissingOutputError);
  });
});

describe('WebGPU engine: host side with the real worker', function () {
  this.timeout(120_000);
  let client: InferenceClient;

  before(function () {
    if (!existsSync(WORKER)) {
      console.log('      skipped: dist/ is not built (npm run build)');
      this.skip();
    }
    ort.env.wasm.wasmPaths = ORT_DIST + path.sep;
    ort.env.wasm.numThreads = 1;
    client = new InferenceClient(WORKER, path.join(REPO_ROOT, 'dist', 'ort'));
  });

  after(() => client?.dispose());

  it('gives the panel the runtime and model once, when it asks, and returns what the worker computes, reported as webgpu', async () => {
    const panel = new InProcessPanel();
    const engine = new WebGpuEngine(client, async () => RUNTIME);
    const onPanel = await engine.run(panel, MODEL, TEXT, 64);
    const inWorker = await client.run(MODEL, TEXT, 64);
    assert.equal(onPanel.info.backend, 'webgpu');
    assert.deepEqual(onPanel.output.tokens, inWorker.output.tokens);
    assert.equal(onPanel.output.attention.length, inWorker.output.attention.length);
    for (const [layer, weights] of onPanel.output.attention.entries()) {
      const diff = Math.max(...weights.map((w, i) => Math.abs(w - inWorker.output.attention[layer][i])));
      // The worker runs onnxruntime-node where it loads and the panel here WASM: their kernels
      // round differently in the last bits (the engines agree within 1e-5; nativeEngine.test.ts).
      assert.ok(diff < 1e-5, `layer ${layer}: ${diff}`);
    }
    assert.equal(onPanel.output.vectors?.length, inWorker.output.vectors?.length);
    assert.equal(onPanel.output.inferenceMs, 2);
    await engine.run(panel, MODEL, 'x = 1', 64);
    assert.deepEqual(panel.requests.map((r) => [r.runtime !== undefined, r.model !== undefined]), [[false, false], [true, true], [false, false]]);
    assert.deepEqual([...new Uint8Array(panel.requests[1].runtime!)], [...RUNTIME]);
    // The model as the worker prepared it (attention outputs exposed), not the file as it is on disk.
    assert.ok(panel.requests[1].model!.byteLength >= readFileSync(path.join(MODEL.folder, 'model.onnx')).byteLength * 0.9);
  });

  it('sends the runtime and model again to a panel that lost them', async () => {
    const panel = new InProcessPanel();
    const engine = new WebGpuEngine(client, async () => RUNTIME);
    await engine.run(panel, MODEL, TEXT, 64);
    panel.forget();
    const again = await engine.run(panel, MODEL, TEXT, 64);
    assert.equal(again.info.backend, 'webgpu');
    assert.deepEqual(panel.requests.map((r) => [r.runtime !== undefined, r.model !== undefined]), [[false, false], [true, true], [false, false], [true, true]]);
  });

  it('falls back to WASM with the reason when the panel has no adapter (sending it no runtime), or is closed', async () => {
    const reasons: string[] = [];
    const noAdapter = new InProcessPanel(true);
    let panel: WebGpuPanel | undefined = noAdapter;
    const engines = new InferenceEngines(client, new WebGpuEngine(client, async () => RUNTIME), () => panel, (reason) => reasons.push(reason));
    const fellBack = await engines.run(MODEL, TEXT, 64, 'webgpu');
    assert.match(fellBack.info.backend, /^wasm/);
    assert.ok(fellBack.output.attention.length > 0);
    assert.deepEqual(noAdapter.requests.map((r) => [r.runtime !== undefined, r.model !== undefined]), [[false, false]]);
    panel = undefined;
    await engines.run(MODEL, TEXT, 64, 'webgpu');
    await engines.run(MODEL, TEXT, 64, 'wasm');
    assert.deepEqual(reasons, ['no WebGPU adapter: navigator.gpu.requestAdapter() returned null', 'WebGPU runs inside the Attention Lens panel, and the panel is not open']);
  });
});
