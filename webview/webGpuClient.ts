/**
 * The panel's side of a model run on WebGPU: loads dist/webgpu.js (onnxruntime's WebGPU build)
 * on the first request only, so a panel that never runs on WebGPU never loads it, then hands
 * each request to it and returns its reply for the host.
 */
import { MessageType } from '../src/shared/protocol';
import type { RunOnWebGpuMessage, WebGpuReply } from '../src/shared/protocol';
import type { WebGpuRunner } from './webgpu/runner';
import { RUNNER_GLOBAL } from './webgpu/runnerGlobal';

// The nonce this script was allowed by; the runner script is allowed by the same one.
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
let runner: Promise<WebGpuRunner> | undefined;

function loadRunner(src: string): Promise<WebGpuRunner> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.nonce = nonce;
    script.src = src;
    script.onload = () => {
      const loaded = (globalThis as Record<string, unknown>)[RUNNER_GLOBAL] as WebGpuRunner | undefined;
      if (loaded) resolve(loaded);
      else reject(new Error('webgpu.js loaded but did not provide its runner'));
    };
    script.onerror = () => reject(new Error(`webgpu.js could not be loaded from ${src}`));
    document.head.append(script);
  });
}

export async function runOnWebGpu(request: RunOnWebGpuMessage): Promise<WebGpuReply> {
  try {
    runner ??= loadRunner(request.script);
    const pending = runner;
    pending.catch(() => {
      // A failed load is retried on the next request.
      if (runner === pending) runner = undefined;
    });
    return await (await pending).run(request);
  } catch (err) {
    return { type: MessageType.WebGpuFailed, requestId: request.requestId, reason: err instanceof Error ? err.message : String(err) };
  }
}
