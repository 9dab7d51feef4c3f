/**
 * The one inference interface the rest of the extension uses: a run goes to WASM in the worker
 * or to WebGPU in the panel, as the backend setting and the panel allow, and falls back to WASM
 * with the reason when WebGPU cannot run it. Callers see the same result either way; its
 * `info.backend` says which engine ran.
 */
import type { BackendSetting } from '../settings';
import { chooseEngine } from './engineChoice';
import type { InferenceClient } from './inferenceClient';
import { WebGpuUnavailableError, type EngineResult, type WebGpuEngine, type WebGpuPanel } from './webGpuEngine';
import type { ModelLocation } from './workerProtocol';

export class InferenceEngines {
  constructor(
    private readonly wasm: Pick<InferenceClient, 'run'>,
    private readonly webGpu: Pick<WebGpuEngine, 'run'>,
    /** The panel WebGPU runs in, when one is open. */
    private readonly panel: () => WebGpuPanel | undefined,
    /** Called with the reason each time a WebGPU request runs on WASM instead. */
    private readonly onFallback: (reason: string) => void,
    /** Called with the reason each time the worker runs WASM although native was asked for (`requested`: the setting). */
    private readonly onRuntimeFallback: (reason: string, requested: BackendSetting) => void = () => {},
    /** Whether onnxruntime-node is present for the worker (`auto` then tries it). */
    private readonly nativePresent: () => boolean = () => false,
  ) {}

  async run(location: ModelLocation, text: string, maxTokens: number, backend: BackendSetting = 'auto'): Promise<EngineResult> {
    const panel = this.panel();
    const choice = chooseEngine(backend, panel === undefined ? 'closed' : panel.visible ? 'visible' : 'hidden', this.nativePresent());
    if (choice.engine === 'webgpu' && panel) {
      try {
        return await this.webGpu.run(panel, location, text, maxTokens);
      } catch (err) {
        if (!(err instanceof WebGpuUnavailableError)) throw err;
        this.onFallback(err.message);
      }
    } else if (choice.engine === 'worker' && choice.fallbackReason) {
      this.onFallback(choice.fallbackReason);
    }
    // The location is the worker's cache key: WASM keeps the caller's, so WebGPU's prepare shares its model.
    const native = choice.engine === 'worker' && choice.runtime === 'native';
    const result = await this.wasm.run(native ? { ...location, runtime: 'native' } : location, text, maxTokens);
    if (result.info.runtimeFallback) this.onRuntimeFallback(result.info.runtimeFallback, backend);
    return result;
  }
}
