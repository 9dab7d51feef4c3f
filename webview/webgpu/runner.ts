/**
 * dist/webgpu.js: runs the model with onnxruntime-web's WebGPU execution provider inside the
 * panel webview. Loaded only when a run asks for WebGPU. It keeps the runtime and one session
 * between runs; the host sends the runtime and the model once and the input tensors every run.
 * Every failure is answered with its reason: the host then runs the model on WASM instead.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { MessageType } from '../../src/shared/protocol';
import { bufferOf, typedData, type RunOnWebGpuMessage, type WebGpuReply, type WebGpuTensor } from '../../src/shared/protocol';
import { RUNNER_GLOBAL } from './runnerGlobal';

export interface WebGpuRunner {
  run(request: RunOnWebGpuMessage): Promise<WebGpuReply>;
}

/** The part of the WebGPU API used here (the DOM typings in use do not declare it). */
interface GpuAdapter {
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string };
}
interface Gpu {
  requestAdapter(): Promise<GpuAdapter | null>;
}

class WebGpuUnavailable extends Error {}

let adapter: Promise<GpuAdapter> | undefined;
let runtimeSet = false;
let loaded: { key: string; session: ort.InferenceSession } | undefined;

async function findAdapter(): Promise<GpuAdapter> {
  const gpu = (navigator as Navigator & { gpu?: Gpu }).gpu;
  if (!gpu) throw new WebGpuUnavailable('this webview has no WebGPU (navigator.gpu is undefined)');
  const found = await gpu.requestAdapter();
  if (!found) throw new WebGpuUnavailable('no WebGPU adapter: navigator.gpu.requestAdapter() returned null');
  return found;
}

function describe(found: GpuAdapter): string {
  const parts = [found.info?.vendor, found.info?.architecture, found.info?.description].filter((p) => p);
  return parts.length > 0 ? parts.join(' ') : 'unnamed adapter';
}

function feedTensor(tensor: WebGpuTensor): ort.Tensor {
  const data = typedData(tensor);
  const dims = [...tensor.dims];
  if (data instanceof BigInt64Array) return new ort.Tensor('int64', data, dims);
  if (data instanceof Int32Array) return new ort.Tensor('int32', data, dims);
  return new ort.Tensor('float32', data, dims);
}

function failed(request: RunOnWebGpuMessage, reason: string, needs?: 'runtime' | 'model'): WebGpuReply {
  return { type: MessageType.WebGpuFailed, requestId: request.requestId, reason, ...(needs ? { needs } : {}) };
}

async function run(request: RunOnWebGpuMessage): Promise<WebGpuReply> {
  try {
    adapter ??= findAdapter();
    const gpuAdapter = await adapter;
    if (!runtimeSet) {
      if (!request.runtime) return failed(request, 'the WebGPU runtime is not loaded yet', 'runtime');
      // The host sends the wasm binary: nothing is fetched, so the CSP needs no connect-src.
      // Webviews are not cross-origin isolated, so wasm runs on one thread.
      ort.env.wasm.wasmBinary = request.runtime;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      runtimeSet = true;
    }
    let sessionMs = 0;
    if (loaded?.key !== request.modelKey) {
      if (!request.model) return failed(request, 'the model is not loaded yet', 'model');
      const previous = loaded;
      loaded = undefined;
      await previous?.session.release();
      const started = performance.now();
      const session = await ort.InferenceSession.create(new Uint8Array(request.model), { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
      sessionMs = performance.now() - started;
      loaded = { key: request.modelKey, session };
    }
    const feeds = Object.fromEntries(request.feeds.map((t) => [t.name, feedTensor(t)]));
    const started = performance.now();
    const results = await loaded.session.run(feeds, [...request.outputs]);
    const runMs = performance.now() - started;
    const outputs: WebGpuTensor[] = [];
    for (const name of request.outputs) {
      const tensor = results[name];
      if (!tensor) return failed(request, `the WebGPU run returned no output "${name}"`);
      if (tensor.type !== 'float32') return failed(request, `the WebGPU output "${name}" is ${tensor.type}, not float32`);
      outputs.push({ name, type: 'float32', dims: [...tensor.dims], data: bufferOf(await tensor.getData() as Float32Array) });
      tensor.dispose();
    }
    return { type: MessageType.WebGpuResult, requestId: request.requestId, outputs, adapter: describe(gpuAdapter), sessionMs, runMs };
  } catch (err) {
    // A failed adapter request is not retried: the webview's WebGPU does not change while it lives.
    const reason = err instanceof Error ? err.message : String(err);
    return failed(request, err instanceof WebGpuUnavailable ? reason : `onnxruntime WebGPU failed: ${reason}`);
  }
}

(globalThis as Record<string, unknown>)[RUNNER_GLOBAL] = { run } satisfies WebGpuRunner;
