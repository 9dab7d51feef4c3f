/**
 * The messages of a model run on WebGPU inside the panel webview: the host sends the input
 * tensors (and, the first time, the runtime and the model), the webview answers with the output
 * tensors or with the reason it could not run them.
 */
import type { MessageType } from './messageType';

/** Tensor element types that cross the boundary: integer inputs, float32 outputs. */
export type WebGpuTensorType = 'int64' | 'int32' | 'float32';

/** A tensor as raw bytes: `data` holds exactly the product of `dims` elements of `type`. */
export interface WebGpuTensor {
  readonly name: string;
  readonly type: WebGpuTensorType;
  readonly dims: readonly number[];
  readonly data: ArrayBuffer;
}

/** Run the model on WebGPU. `runtime` and `model` are sent only when the webview lacks them. */
export interface RunOnWebGpuMessage {
  readonly type: MessageType.RunOnWebGpu;
  readonly requestId: number;
  /** The webview URI of dist/webgpu.js: loaded on the first run, so the default path stays small. */
  readonly script: string;
  /** onnxruntime's WebGPU build of its wasm binary. */
  readonly runtime?: ArrayBuffer;
  /** Names one loaded model; a different key means a different model. */
  readonly modelKey: string;
  /** The ONNX bytes for `modelKey`, attention outputs exposed. */
  readonly model?: ArrayBuffer;
  readonly feeds: readonly WebGpuTensor[];
  readonly outputs: readonly string[];
}

/** The outputs of a run on WebGPU, in the order asked for. */
export interface WebGpuResultMessage {
  readonly type: MessageType.WebGpuResult;
  readonly requestId: number;
  readonly outputs: readonly WebGpuTensor[];
  /** The adapter that ran it, as the browser describes it. */
  readonly adapter: string;
  /** Creating the session, when this run had to; else 0. */
  readonly sessionMs: number;
  readonly runMs: number;
}

/** The webview could not run the model; `needs` asks for what it lacks and the host may retry. */
export interface WebGpuFailedMessage {
  readonly type: MessageType.WebGpuFailed;
  readonly requestId: number;
  readonly reason: string;
  readonly needs?: 'runtime' | 'model';
}

export type WebGpuReply = WebGpuResultMessage | WebGpuFailedMessage;
