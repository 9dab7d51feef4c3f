/** Messages between the extension host and its inference worker thread. */
import type { SourceToken } from '../shared/tokens';
import type { LayerVectors } from '../attention/attentionRun';
import type { OutputNames } from './outputDecoding';

/** Where a model lives on disk and how to run it. */
export interface ModelLocation {
  /** Folder holding model.onnx and tokenizer.json, and optionally config.json. */
  readonly folder: string;
  readonly threads: number;
  /** The ONNX file when it is not `folder`/model.onnx. */
  readonly modelFile?: string;
  /** The tokenizer when it is not `folder`/tokenizer.json. */
  readonly tokenizerFile?: string;
  /** 'native': onnxruntime-node when it loads, else WASM (see nativeEngine.ts). Default WASM. */
  readonly runtime?: 'native' | 'wasm';
}

/** What the worker learned about a loaded model. */
export interface ModelInfo {
  readonly name: string;
  readonly layers: number;
  readonly heads: number;
  /** Longest input in tokens the model accepts. */
  readonly context: number;
  readonly causal: boolean;
  readonly vocabSize: number;
  readonly backend: string;
  /** Why the native runtime that was asked for is not the one running, when it is not. */
  readonly runtimeFallback?: string;
  readonly loadMs: number;
  /** Bytes of weights (the model file and its external data): what the session holds. */
  readonly weightBytes?: number;
  /** What was found in the model beyond layers × heads, e.g. "decoder with KV cache (fed empty),
   *  fused GroupQueryAttention rewritten"; empty for a plain model. */
  readonly found?: string;
}

export interface InferenceOutput {
  readonly tokens: SourceToken[];
  /** Per layer, [head][query][key] weights. */
  readonly attention: Float32Array[];
  /** Per layer q/k/v/o [head][token][d_k], when the model exports them. */
  readonly vectors: LayerVectors[] | undefined;
  readonly truncated: boolean;
  readonly tokenizeMs: number;
  readonly inferenceMs: number;
}

/** One input tensor as plain data, for an engine outside the worker. */
export interface FeedTensor {
  readonly type: 'int64' | 'int32' | 'float32' | 'float16' | 'bool';
  readonly data: BigInt64Array | Int32Array | Float32Array | Uint16Array | Uint8Array;
  readonly dims: readonly number[];
}

/** A run tokenized by the worker and executed elsewhere: the tokens, the feeds, the outputs to fetch. */
export interface PreparedRun {
  /** Empty when the text gave special tokens only: nothing to run. */
  readonly tokens: SourceToken[];
  readonly truncated: boolean;
  readonly tokenizeMs: number;
  readonly feeds: Readonly<Record<string, FeedTensor>>;
  readonly outputs: OutputNames;
}

export type WorkerRequest =
  | { readonly kind: 'load'; readonly requestId: number; readonly model: ModelLocation; readonly wasmDir: string }
  | { readonly kind: 'run'; readonly requestId: number; readonly text: string; readonly maxTokens: number }
  | { readonly kind: 'prepare'; readonly requestId: number; readonly text: string; readonly maxTokens: number }
  | { readonly kind: 'modelBytes'; readonly requestId: number }
  /** End the thread once the current request is done (see InferenceClient.stop). */
  | { readonly kind: 'exit'; readonly requestId: number };

export type WorkerReply =
  | { readonly kind: 'loaded'; readonly requestId: number; readonly info: ModelInfo }
  | { readonly kind: 'ran'; readonly requestId: number; readonly output: InferenceOutput }
  | { readonly kind: 'prepared'; readonly requestId: number; readonly prepared: PreparedRun }
  | { readonly kind: 'modelBytes'; readonly requestId: number; readonly bytes: Uint8Array }
  | { readonly kind: 'failed'; readonly requestId: number; readonly message: string };
