/**
 * What a model run takes and gives, as plain data: where the model is, what was learned about
 * it, and the tensors a run returns. Shared by the worker, the engines and the attention layer
 * above; imports nothing but the token type.
 */
import type { SourceToken } from '../shared/tokens';

/** One layer's per-head vectors from the model run, each [head][token][d_k]: what the math view shows. */
export interface LayerVectors {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** o = softmax(q k^T / sqrt(d_k) + mask) v, as the model computed it. */
  readonly o: Float32Array;
  readonly headDim: number;
}

/** Output names of one layer's q/k/v/o vectors. */
export interface VectorOutputs {
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
}

/** The outputs a run fetches: attention per layer, and q/k/v/o per layer when the model has them. */
export interface OutputNames {
  readonly attention: readonly string[];
  readonly vectors: readonly VectorOutputs[] | undefined;
}

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
  /** On the native runtime, run layer by layer a model whose attention at its context is at least
   *  this many bytes (default LAYERED_FROM_BYTES, 1 GiB: see chooseSession.ts). */
  readonly layeredFromBytes?: number;
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
  /** True when runs are computed one layer at a time (chooseSession.ts): a model whose attention
   *  at its context reaches ModelLocation.layeredFromBytes, on the native runtime. */
  readonly layered?: boolean;
  /** Special tokens the tokenizer frames every text with ([CLS] … [SEP]: 2; Llama's BOS: 1). */
  readonly specialTokens?: number;
}

/** A run kept on disk (attention/storedLayers.ts): where its layers are, and their shape, enough
 *  to read them in any thread. */
export interface StoredAttention {
  /** One file per layer, in layer order. */
  readonly files: readonly string[];
  readonly heads: number;
  /** Tokens (T). */
  readonly size: number;
  /** Size of one head's q/k/v/o vectors (d_k) when the files hold them after the attention; else undefined. */
  readonly headDim: number | undefined;
}

/** Where a long run may be kept on disk instead of memory (see InferenceOutput.stored). */
export interface RunStorage {
  /** A folder on disk (not in memory: storeFolder.ts) the host owns and removes. */
  readonly folder: string;
  /** Runs whose attention is at least this many bytes are kept there (default STORED_FROM_BYTES). */
  readonly fromBytes: number;
}

export interface InferenceOutput {
  readonly tokens: SourceToken[];
  /** Per layer, [head][query][key] weights. */
  readonly attention: Float32Array[];
  /** Per layer q/k/v/o [head][token][d_k], when the model exports them. */
  readonly vectors: LayerVectors[] | undefined;
  readonly truncated: boolean;
  /** Set when the run was cut below attentionLens.maxTokens and the context because the attention
   *  of more tokens would not fit the memory budget (requestBudget.ts): the tokens it was cut to. */
  readonly memoryLimit?: number;
  readonly tokenizeMs: number;
  readonly inferenceMs: number;
  /** Set when the run's attention (and vectors) stayed in files on disk: `attention` and the
   *  vectors' arrays are then empty, and are read from these files (attention/storedLayers.ts). */
  readonly stored?: StoredAttention;
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
  /** As InferenceOutput.memoryLimit. */
  readonly memoryLimit?: number;
  readonly tokenizeMs: number;
  readonly feeds: Readonly<Record<string, FeedTensor>>;
  readonly outputs: OutputNames;
}
