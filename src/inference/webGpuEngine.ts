/**
 * Runs a model on WebGPU inside the panel webview. The worker still loads the model and
 * tokenizes (so both engines see the same tokens and feeds); the panel gets the runtime and the
 * attention-exposed model once, the input tensors every run, and answers with the output
 * tensors, which are decoded and checked exactly as the worker's. Any failure on the WebGPU side
 * is a WebGpuUnavailableError carrying the reason; failures of the model itself propagate as they are.
 */
import { MessageType } from '../shared/protocol';
import { bufferOf, type RunOnWebGpuMessage, type WebGpuReply, type WebGpuResultMessage, type WebGpuTensor } from '../shared/protocol';
import type { InferenceClient } from './inferenceClient';
import { checkInferenceOutput } from './outputChecks';
import { decodeOutputs, fetchedOutputs, type OutputTensor } from './outputDecoding';
import type { InferenceOutput, ModelInfo, ModelLocation, PreparedRun } from './workerProtocol';

/** A run for the panel's webview, as the engine builds it; the panel adds the request id and the script. */
export type WebGpuRunRequest = Omit<RunOnWebGpuMessage, 'type' | 'requestId' | 'script'>;

/** What a WebGPU engine needs of the panel (views/ implements it; inference/ never imports views/). */
export interface WebGpuPanel {
  /** A hidden webview does not run scripts, so it cannot run the model. */
  readonly visible: boolean;
  run(request: WebGpuRunRequest, timeoutMs: number): Promise<WebGpuReply>;
}

export class WebGpuUnavailableError extends Error {
  override readonly name = 'WebGpuUnavailableError';
}

export interface EngineResult {
  readonly info: ModelInfo;
  readonly output: InferenceOutput;
  /** Model load time when this run had to load it, else 0. */
  readonly loadMs: number;
}

/** Creating a session on a software adapter, after the runtime crossed over, takes a while. */
export const WEBGPU_TIMEOUT_MS = 180_000;

/** What a panel held after its last good run (the runtime, and this model), as far as this engine knows. */
interface Held {
  readonly modelKey: string;
}

export class WebGpuEngine {
  private readonly modelKeys = new WeakMap<ModelInfo, string>();
  private nextModelKey = 1;
  private readonly held = new WeakMap<WebGpuPanel, Held>();

  constructor(
    private readonly source: Pick<InferenceClient, 'prepare' | 'modelBytes'>,
    /** The bytes of onnxruntime's WebGPU wasm build. */
    private readonly readRuntime: () => Promise<Uint8Array>,
    private readonly timeoutMs = WEBGPU_TIMEOUT_MS,
  ) {}

  async run(panel: WebGpuPanel, location: ModelLocation, text: string, maxTokens: number): Promise<EngineResult> {
    const { info, prepared, loadMs } = await this.source.prepare(location, text, maxTokens);
    const ranOn = { ...info, backend: 'webgpu' };
    if (prepared.tokens.length === 0) {
      const { tokens, truncated, tokenizeMs } = prepared;
      return { info: ranOn, output: { tokens, attention: [], vectors: undefined, truncated, tokenizeMs, inferenceMs: 0 }, loadMs };
    }
    const reply = await this.exchange(panel, location, info, prepared);
    try {
      const results: Record<string, OutputTensor> = {};
      for (const t of reply.outputs) results[t.name] = { type: t.type, dims: t.dims, data: new Float32Array(t.data) };
      const { attention, vectors } = decodeOutputs(prepared.outputs, results);
      const output: InferenceOutput = {
        tokens: prepared.tokens,
        attention,
        vectors,
        truncated: prepared.truncated,
        ...(prepared.memoryLimit === undefined ? {} : { memoryLimit: prepared.memoryLimit }),
        tokenizeMs: prepared.tokenizeMs,
        inferenceMs: reply.runMs,
      };
      checkInferenceOutput(output, info);
      return { info: ranOn, output, loadMs: loadMs + reply.sessionMs };
    } catch (err) {
      throw new WebGpuUnavailableError(`the WebGPU output could not be used: ${(err as Error).message}`);
    }
  }

  /**
   * Sends the run, adding the runtime or the model when the panel says it lacks them. A panel
   * not known to hold the runtime is asked first without it: one without a WebGPU adapter says
   * so before 27 MB of runtime cross over for nothing.
   */
  private async exchange(panel: WebGpuPanel, location: ModelLocation, info: ModelInfo, prepared: PreparedRun): Promise<WebGpuResultMessage> {
    const modelKey = this.keyOf(info);
    const held = this.held.get(panel);
    let sendRuntime = false;
    let sendModel = held !== undefined && held.modelKey !== modelKey;
    const feeds: WebGpuTensor[] = Object.entries(prepared.feeds).map(([name, t]) => {
      // The panel's protocol carries int64/int32/float32 tensors; a float16 cache or a bool flag
      // (KV-cache decoders) runs on WASM instead.
      if (t.type !== 'int64' && t.type !== 'int32' && t.type !== 'float32') throw new WebGpuUnavailableError(`the input "${name}" is ${t.type}, which the WebGPU panel does not take`);
      return { name, type: t.type, dims: t.dims, data: bufferOf(t.data) };
    });
    const outputs = fetchedOutputs(prepared.outputs);
    // At most one retry per missing piece: a webview reloaded while hidden has lost both.
    for (let attempt = 0; attempt < 3; attempt++) {
      const runtime = sendRuntime ? bufferOf(await this.readRuntime()) : undefined;
      const model = sendModel ? bufferOf(await this.source.modelBytes(location)) : undefined;
      const reply = await panel.run({ modelKey, feeds, outputs, ...(runtime ? { runtime } : {}), ...(model ? { model } : {}) }, this.timeoutMs);
      if (reply.type === MessageType.WebGpuResult) {
        this.held.set(panel, { modelKey });
        return reply;
      }
      // A webview without the runtime has no model either.
      if (reply.needs === 'runtime' && !sendRuntime) sendRuntime = sendModel = true;
      else if (reply.needs === 'model' && !sendModel) sendModel = true;
      else {
        this.held.delete(panel);
        throw new WebGpuUnavailableError(reply.reason);
      }
    }
    throw new WebGpuUnavailableError('the panel asked again for data it had been sent');
  }

  /** One key per load of a model: a reloaded model (after a worker restart) is sent again. */
  private keyOf(info: ModelInfo): string {
    let key = this.modelKeys.get(info);
    if (!key) {
      key = `${info.name}#${this.nextModelKey++}`;
      this.modelKeys.set(info, key);
    }
    return key;
  }
}
