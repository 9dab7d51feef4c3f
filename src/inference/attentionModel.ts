/**
 * A loaded model plus its tokenizer: text in, tokens with source offsets and per-layer
 * attention out. Runs onnxruntime-web (WASM) in whatever thread calls it; the extension calls it
 * from a worker thread, the CLI and tests call it directly. No `vscode` here.
 *
 * Models the project did not export work too: their attention Softmax outputs are exposed in
 * memory (modelGraph.ts), and every check that can fail says which file and what to do.
 */
import * as ort from 'onnxruntime-web';
import { stat } from 'node:fs/promises';
import { basename, dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../tokenizer';
import type { LayerVectors } from './runTypes';
import type { SourceToken } from '../shared/tokens';
import { describeLayout, layoutFromShapes, type AttentionLayoutResult, type AttentionTensor } from './attentionShape';
import { parseModelConfig, type ModelConfig } from './modelConfig';
import { ModelLoadError } from './modelErrors';
import { modelFiles, readExternalData, readModelFile, readOptionalText, readRequiredFile, type ModelFiles } from './modelFolder';
import { collectGarbage } from './collectGarbage';
import { HeldBytes, viewGraph, type GraphFacts } from './viewGraph';
import { buildFeeds, planInputs, type InputSpec } from './modelInputs';
import { toFloat32 } from './floatData';
import { decodeOutputs, fetchedOutputs, type OutputNames, type OutputTensor } from './outputDecoding';
import { availableMemory, maxTokensOnDisk, maxTokensWithinBudget, noTextFits, type ModelSize } from './requestBudget';
import { freeDiskBytes } from './storeFolder';
import type { ExternalDataFile, SessionRuntime, SessionTuning } from './sessionRuntime';
import { chooseSession, LAYERED_FROM_BYTES } from './chooseSession';
import type { ViewSession } from './viewSession';
import { SplitGraphError } from '../onnx/splitGraph';
import type { RequestStage } from './requestTimeout';
import { truncateTokens } from './truncateTokens';
import { encodePrefix } from '../shared/textCap';
import type { FeedTensor, InferenceOutput, ModelInfo, ModelLocation, PreparedRun, RunStorage } from './workerProtocol';

export { ModelLoadError } from './modelErrors';
export { findVectorOutputs } from './viewGraph';

/** Context when neither config.json nor a position table states one. */
const DEFAULT_CONTEXT = 512;
/** What a sink left in a run's output in place of the arrays it took. */
const EMPTY = new Float32Array(0);

/** Takes one layer's attention [heads, T, T] and vectors as soon as the run has them (runIds). */
export type LayerSink = (layer: number, attention: Float32Array, vectors: LayerVectors | undefined) => void;

/** Token ids of the warm-up run: id 0 exists in every vocabulary. */
const WARM_UP_IDS = [0, 0, 0];

/** A file's size and modification time ("" when it cannot be read: the read that follows says why). */
async function stampOf(path: string): Promise<string> {
  try {
    const { size, mtimeMs } = await stat(path);
    return `${size}:${mtimeMs}`;
  } catch {
    return '';
  }
}

function parseTokenizer(bytes: Uint8Array, file: string): TextTokenizer {
  try {
    return loadTokenizer(new TextDecoder().decode(bytes));
  } catch (err) {
    if (!(err instanceof TokenizerError)) throw err;
    // The JSON parser's message quotes the file's first bytes, which may be anything: not repeated.
    const message = /^tokenizer\.json is not valid JSON/.test(err.message)
      ? 'tokenizer.json is not valid JSON. Check that the file is complete and not a Git LFS pointer.'
      : err.message;
    throw new ModelLoadError('tokenizer', `${file}: ${message}`);
  }
}

/** Ids past the embedding table would make every run fail, or worse, read garbage. */
function checkVocabulary(tokenizer: TextTokenizer, graph: GraphFacts, files: ModelFiles): void {
  if (graph.embeddingRows === undefined || tokenizer.vocabSize <= graph.embeddingRows) return;
  throw new ModelLoadError(
    'vocabulary',
    `${files.tokenizer} has ${tokenizer.vocabSize} tokens but the embedding of ${files.model} has only ${graph.embeddingRows} rows: ` +
      'the tokenizer does not belong to this model. Use the tokenizer.json published with the model.',
  );
}

/** onnxruntime-web's WASM build, the runtime every platform has. */
export function wasmRuntime(wasmDir: string): SessionRuntime {
  return {
    kind: 'wasm',
    Tensor: ort.Tensor,
    createSession: (model, threads, externalData) => {
      configureRuntime(wasmDir, threads);
      return ort.InferenceSession.create(model.take(), {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
        // Shape-inference warnings about appended outputs are noise in the user's log.
        logSeverityLevel: 3,
        ...(externalData.length > 0 ? { externalData: [...externalData] } : {}),
      });
    },
    describe: (threads) => (threads > 1 ? `wasm (${threads} threads)` : 'wasm'),
  };
}

async function createSession(
  runtime: SessionRuntime,
  model: HeldBytes,
  threads: number,
  file: string,
  externalData: readonly ExternalDataFile[],
  tuning?: SessionTuning,
): Promise<ort.InferenceSession> {
  try {
    return await runtime.createSession(model, threads, externalData, tuning);
  } catch (err) {
    const message = (err as Error).message;
    // onnxruntime reads shape tensors during loading; it cannot when they too sit in external data.
    const advice = /Cannot parse data from external tensors/.test(message)
      ? ' Save the model again keeping small tensors inside the file (onnx.save(..., save_as_external_data=True, size_threshold=1024)).'
      : '';
    throw new ModelLoadError('runtime', `onnxruntime could not load ${file}: ${message}${advice}`);
  }
}

function configureRuntime(wasmDir: string, threads: number): void {
  ort.env.wasm.wasmPaths = pathToFileURL(wasmDir.endsWith(sep) ? wasmDir : wasmDir + sep).href;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
}

/** Model summary beyond layers × heads: "decoder with KV cache (fed empty), 4 query heads sharing
 *  2 key/value heads, fused GroupQueryAttention rewritten, float16" — or undefined for a plain model. */
function describeModel(graph: GraphFacts, inputs: readonly InputSpec[], config: ModelConfig, heads: number, layout: string | undefined): string | undefined {
  const parts: string[] = [];
  const past = inputs.filter((i) => i.role === 'past');
  if (past.length > 0) parts.push('decoder with KV cache (fed empty)');
  if (graph.mergedBranch) parts.push('merged decoder (no-cache branch copied out, computed twice)');
  const kvHeads = past[0]?.pastDims?.[0] ?? config.kvHeads;
  if (kvHeads !== undefined && heads > 1 && kvHeads < heads) {
    parts.push(kvHeads === 1 ? `${heads} query heads sharing one key/value head (MQA)` : `${heads} query heads sharing ${kvHeads} key/value heads (GQA)`);
  }
  if (layout) parts.push(layout);
  const fused = [...new Set(graph.fusedOps.map((op) => op.replace(/^com\.microsoft\./, '')))];
  if (fused.length > 0) parts.push(`fused ${fused.join(', ')} rewritten`);
  if (graph.upcastTensors > 0) parts.push('bfloat16 weights computed in float32 (onnxruntime has no bfloat16 MatMul on CPU or WebAssembly)');
  else if (graph.precision === 'quantized') parts.push(`quantized operators (${graph.quantizedOps.join(', ')})`);
  // Weights stored as float16 but computed in float32 (the bundled model) change nothing a view
  // shows beyond the rounding of the weights: not worth the header's room.
  else if (graph.precision && graph.precision !== 'float16 weights') parts.push(`${graph.precision} (attention shown in float32)`);
  if (graph.externalData.length > 0) parts.push(`weights in ${graph.externalData.join(', ')}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * Awaits every promise, then returns their values or throws the first rejection in array order
 * (Promise.all throws whichever rejects first in time).
 */
async function inOrder<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export class AttentionModel {
  /** Bytes of memory available now, read when a run starts (requestBudget.ts); a test or bench
   *  may replace it to pose as a smaller machine. */
  availableMemory: () => number = availableMemory;

  private constructor(
    private readonly session: ViewSession,
    private readonly Tensor: typeof ort.Tensor,
    private readonly tokenizer: TextTokenizer,
    /** How each graph input is fed (token ids, masks, positions, an empty KV cache). */
    private readonly inputs: readonly InputSpec[],
    /** Attention per layer, and q/k/v/o per layer when the model exports all four for every layer. */
    public readonly outputs: OutputNames,
    /** Where the model's files are: engineModelBytes() derives the model again from them. */
    private readonly files: ModelFiles,
    /** The model file's size and modification time at load, to tell whether it changed since. */
    private readonly fileStamp: string,
    /** Which onnxruntime runs the session: on WASM a run shares the 4 GiB heap with the weights. */
    private readonly runtimeKind: SessionRuntime['kind'],
    public readonly info: ModelInfo,
  ) {}

  /**
   * @param runtime the onnxruntime package to run on (default: WASM from `wasmDir`).
   * @param runtimeFallback why `runtime` is not the one asked for, reported in `info`.
   */
  static async load(location: ModelLocation, wasmDir: string, runtime = wasmRuntime(wasmDir), runtimeFallback?: string): Promise<AttentionModel> {
    const started = performance.now();
    const files = modelFiles(location);
    // Read together, but reported in a fixed order (model, tokenizer, config): with several files
    // missing, the message must not depend on which read happened to fail first.
    const fileStamp = await stampOf(files.model);
    const [fileBytes, tokenizerBytes, configText] = await inOrder([
      readModelFile(files.model).then((bytes) => new HeldBytes(bytes)),
      readRequiredFile(files.tokenizer, 'tokenizer'),
      readOptionalText(files.config),
    ] as const);
    const config = parseModelConfig(configText, files.config);
    const tokenizer = parseTokenizer(tokenizerBytes, files.tokenizer);
    const { graph, bytes, outputs, loadedBytes } = viewGraph(fileBytes.take(), files.model);
    const inputs = planInputs(graph.inputs, files.model, config);
    checkVocabulary(tokenizer, graph, files);
    const externalData = [
      ...(await readExternalData(dirname(files.model), graph.externalData, files.model, loadedBytes)),
      ...(graph.upcastData ? [graph.upcastData] : []),
    ];
    // What the session holds: the cut model and the external data (the cut drops the LM head's
    // share only when it is not tied to the embedding).
    const weightBytes = bytes.size + externalData.reduce((n, d) => n + d.data.length, 0);
    const kvCache = inputs.some((i) => i.role === 'past');
    const attention = outputs.attention;
    // The file's bytes and the exposed copy are garbage now: freed before onnxruntime allocates
    // its own copy, where the process allows (collectGarbage.ts).
    collectGarbage();
    const context = config.context ?? graph.positionRows ?? DEFAULT_CONTEXT;
    const stages = attention.map((name, l) => {
      const v = outputs.vectors?.[l];
      return v ? [name, v.q, v.k, v.v, v.o] : [name];
    });
    // Handed over, not kept: onnxruntime copies the model, and nothing here needs it again.
    const session = await chooseSession(bytes, runtime.kind === 'native', {
      layers: attention.length,
      context,
      stages,
      layeredFromBytes: location.layeredFromBytes ?? LAYERED_FROM_BYTES,
      ...(config.heads !== undefined ? { heads: config.heads } : {}),
      createOnePass: (model) => createSession(runtime, model, location.threads, files.model, externalData),
      createPiece: (piece) => createSession(runtime, new HeldBytes(piece), location.threads, files.model, externalData, { memoryArena: false }),
      headsOf: async (first) => {
        const feeds = buildFeeds(inputs, WARM_UP_IDS, (type, data, dims) => new runtime.Tensor(type, data, dims));
        const results = await first.run(Object.fromEntries(first.inputNames.map((n) => [n, feeds[n]!])));
        const tensor = results[attention[0]!]!;
        return layoutFromShapes([{ name: attention[0]!, type: tensor.type, dims: [...tensor.dims] }], WARM_UP_IDS.length, files.model, graph.averaged).heads;
      },
    }).catch((err: unknown) => {
      throw err instanceof SplitGraphError ? new ModelLoadError('runtime', `${files.model} could not be split into layers for a long input: ${err.message}`) : err;
    });
    collectGarbage();
    const partial: ModelInfo = {
      name: config.name ?? basename(location.modelFile ?? location.folder, '.onnx'),
      layers: attention.length,
      heads: 0,
      context,
      // A decoder with a KV cache attends to earlier tokens only.
      causal: config.causal || kvCache,
      vocabSize: tokenizer.vocabSize,
      backend: runtime.describe(location.threads),
      ...(runtimeFallback === undefined ? {} : { runtimeFallback }),
      loadMs: 0,
      weightBytes,
      ...(session.kind === 'layered' ? { layered: true } : {}),
    };
    const model = new AttentionModel(session, runtime.Tensor, tokenizer, inputs, outputs, files, fileStamp, runtime.kind, partial);
    // A first tiny run compiles the kernels now rather than on the user's first request, and
    // gives the head count and layout from the real output shapes (and checks them).
    let layout: AttentionLayoutResult;
    try {
      layout = layoutFromShapes((await model.runIds(WARM_UP_IDS)).tensors, WARM_UP_IDS.length, files.model, graph.averaged);
    } catch (err) {
      await session.release();
      throw err instanceof ModelLoadError ? err : new ModelLoadError('runtime', `onnxruntime could not run ${files.model}: ${(err as Error).message}`);
    }
    const found = describeModel(graph, inputs, config, layout.heads, describeLayout(layout.layout));
    return new AttentionModel(session, runtime.Tensor, tokenizer, inputs, outputs, files, fileStamp, runtime.kind, {
      ...partial,
      heads: layout.heads,
      ...(found ? { found } : {}),
      specialTokens: tokenizer.encode('').filter((t) => t.special).length,
      loadMs: performance.now() - started,
    });
  }

  /**
   * The model as the session got it (attention exposed, cut to the views' outputs), for another
   * engine to load (WebGPU in a webview). Derived again from the file rather than kept since load:
   * keeping it would hold the model's size a second time for the model's whole life, and it is
   * asked for only when WebGPU starts.
   * @throws ModelLoadError as load() does; 'unreadable-model' when the file changed on disk since
   *   the load (its size or modification time, or the outputs it gives): load the model again.
   */
  async engineModelBytes(): Promise<Uint8Array> {
    const changed = () => new ModelLoadError('unreadable-model', `${this.files.model} changed on disk since it was loaded. Run Show Attention again to load it anew.`);
    if ((await stampOf(this.files.model)) !== this.fileStamp) throw changed();
    const again = viewGraph(await readModelFile(this.files.model), this.files.model);
    if (fetchedOutputs(again.outputs).join('\n') !== fetchedOutputs(this.outputs).join('\n')) throw changed();
    return again.bytes.take();
  }

  /** Special tokens the tokenizer frames every text with ([CLS] … [SEP]: 2; Llama's BOS: 1). */
  specialTokenCount(): number {
    return this.info.specialTokens ?? this.tokenizer.encode('').filter((t) => t.special).length;
  }

  /**
   * Tokenizes `text` (at most `maxTokens` tokens) and runs the model on it.
   * @param onStage told before each stage starts ('tokenize', then 'run'), so that a caller with
   *   a time limit can say which stage ran out of it.
   */
  async run(text: string, maxTokens: number, onStage: (stage: RequestStage) => void = () => {}, onLayer?: LayerSink, storage?: RunStorage): Promise<InferenceOutput> {
    onStage('tokenize');
    const { tokens, truncated, memoryLimit, tokenizeMs } = this.tokenize(text, maxTokens, storage);
    const limited = memoryLimit === undefined ? {} : { memoryLimit };
    // A frame of special tokens alone ([CLS] [SEP] around blank text) has nothing to show.
    if (tokens.every((t) => t.special)) {
      return { tokens: [], attention: [], vectors: undefined, truncated, ...limited, tokenizeMs, inferenceMs: 0 };
    }
    onStage('run');
    const t1 = performance.now();
    const { attention, vectors } = await this.runIds(tokens.map((t) => t.id), onLayer);
    return { tokens, attention, vectors, truncated, ...limited, tokenizeMs, inferenceMs: performance.now() - t1 };
  }

  /** Tokens and input feeds of a run that another engine will execute (see WebGpuEngine). */
  prepare(text: string, maxTokens: number, onStage: (stage: RequestStage) => void = () => {}): PreparedRun {
    onStage('tokenize');
    const { tokens, truncated, memoryLimit, tokenizeMs } = this.tokenize(text, maxTokens);
    const ids = tokens.every((t) => t.special) ? [] : tokens.map((t) => t.id);
    const feeds = buildFeeds<FeedTensor>(this.inputs, ids, (type, data, dims) => ({ type, data, dims }));
    return {
      tokens: ids.length === 0 ? [] : tokens,
      truncated,
      ...(memoryLimit === undefined ? {} : { memoryLimit }),
      tokenizeMs,
      feeds: ids.length === 0 ? {} : feeds,
      outputs: this.outputs,
    };
  }

  /**
   * The first tokens of `text` a run takes: at most `maxTokens` and the model's context, and no
   * more than the attention memory budget allows (requestBudget.ts). A text whose attention would
   * not fit is cut there, as the context cuts it, and `memoryLimit` says so; only when not even
   * the special tokens and one more fit is the run refused.
   * @throws RequestTooLargeError (noTextFits) when the budget leaves no room for text.
   */
  private tokenize(text: string, maxTokens: number, storage?: RunStorage): { tokens: SourceToken[]; truncated: boolean; memoryLimit?: number; tokenizeMs: number } {
    const t0 = performance.now();
    // Read once: the refusal must name the figure the limit came from.
    const available = this.availableMemory();
    const fits = this.tokensWithinBudget(available, storage);
    if (fits <= this.specialTokenCount()) throw noTextFits(this.size, this.specialTokenCount() + 1, available);
    const asked = Math.min(maxTokens, this.info.context);
    const limit = Math.min(asked, fits);
    // Only the prefix that holds the first `limit` tokens is tokenized (see encodePrefix).
    const prefix = encodePrefix(text, limit, (part) => this.tokenizer.encode(part));
    const { tokens, truncated } = truncateTokens(prefix.tokens, limit);
    const tokenizeMs = performance.now() - t0;
    const cut = truncated || prefix.capped;
    // Cut by memory only when memory, not the setting or the context, set the limit.
    return { tokens, truncated: cut, ...(cut && fits < asked ? { memoryLimit: fits } : {}), tokenizeMs };
  }

  /**
   * The most tokens a run may have: within the memory budget as the run comes into memory, or,
   * for a layered model offered `storage`, as a run kept on disk, whose attention must also fit
   * the disk's free space (a longer run fits that way: it is kept on disk when its attention
   * reaches the storage's bound, which a run past the in-memory budget does at any sensible bound).
   */
  private tokensWithinBudget(available: number, storage: RunStorage | undefined): number {
    const inMemory = maxTokensWithinBudget(this.size, available);
    if (!storage || !this.layered) return inMemory;
    const onDisk = Math.min(maxTokensWithinBudget({ ...this.size, stored: true }, available), maxTokensOnDisk(this.size, freeDiskBytes(storage.folder)));
    return Math.max(inMemory, onDisk);
  }

  /** What the memory budget needs to know of this model (requestBudget.ts). */
  private get size(): ModelSize {
    return { ...this.info, onWasmHeap: this.runtimeKind === 'wasm' };
  }

  /** Whether runs are computed layer by layer (chooseSession.ts): their layers come to a LayerSink one at a time. */
  get layered(): boolean {
    return this.session.kind === 'layered';
  }

  /**
   * Runs the graph on `ids`. With `onLayer`, each layer's attention and vectors go to it as soon
   * as they are computed, in layer order, and the arrays returned for that layer are empty: on a
   * layered session no more than one layer's outputs are held at a time.
   */
  private async runIds(
    ids: readonly number[],
    onLayer?: LayerSink,
  ): Promise<{ attention: Float32Array[]; tensors: AttentionTensor[]; vectors: LayerVectors[] | undefined }> {
    const feeds = buildFeeds(this.inputs, ids, (type, data, dims) => new this.Tensor(type, data, dims));
    const plain: Record<string, OutputTensor> = {};
    let handed = 0;
    const names = this.outputs;
    // Only the attention (and q/k/v/o) is fetched: never logits or present.* of a KV cache.
    await this.session.run(feeds, fetchedOutputs(names), (results) => {
      // float16/float64 outputs (fp16 models' declared attention) become float32 for the views;
      // the reported type stays what the model gave.
      for (const [name, tensor] of Object.entries(results)) plain[name] = { type: tensor.type, dims: tensor.dims, data: toFloat32(tensor.type, tensor.data) };
      if (!onLayer) return;
      for (; handed < names.attention.length; handed++) {
        const layerNames = [names.attention[handed]!, ...Object.values(names.vectors?.[handed] ?? {})];
        if (!layerNames.every((n) => plain[n] !== undefined)) break;
        const layer = decodeOutputs({ attention: [names.attention[handed]!], vectors: names.vectors ? [names.vectors[handed]!] : undefined }, plain);
        onLayer(handed, layer.attention[0]!, layer.vectors?.[0]);
        for (const n of layerNames) plain[n] = { ...plain[n]!, data: EMPTY };
      }
    });
    for (const tensor of Object.values(feeds)) tensor.dispose();
    return decodeOutputs(names, plain);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
