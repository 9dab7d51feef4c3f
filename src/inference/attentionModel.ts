/**
 * A loaded model plus its tokenizer: text in, tokens with source offsets and per-layer
 * attention out. Runs onnxruntime-web (WASM) in whatever thread calls it; the extension calls it
 * from a worker thread, the CLI and tests call it directly. No `vscode` here.
 *
 * Models the project did not export work too: their attention Softmax outputs are exposed in
 * memory (modelGraph.ts), and every check that can fail says which file and what to do.
 */
import * as ort from 'onnxruntime-web';
import { basename, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../tokenizer';
import type { LayerVectors } from '../attention/attentionRun';
import type { SourceToken } from '../shared/tokens';
import { headsFromShapes, type AttentionTensor } from './attentionShape';
import { parseModelConfig } from './modelConfig';
import { ModelLoadError } from './modelErrors';
import { modelFiles, readOptionalText, readRequiredFile, type ModelFiles } from './modelFolder';
import { inspectModelGraph, NAMED_ATTENTION_OUTPUT, type ModelGraph } from './modelGraph';
import { buildFeeds, checkInputs } from './modelInputs';
import { decodeOutputs, fetchedOutputs, type OutputNames, type VectorOutputs } from './outputDecoding';
import { checkRequestBudget } from './requestBudget';
import { truncateTokens } from './truncateTokens';
import type { FeedTensor, InferenceOutput, ModelInfo, ModelLocation, PreparedRun } from './workerProtocol';

export { ModelLoadError } from './modelErrors';

/** Context when neither config.json nor a position table states one. */
const DEFAULT_CONTEXT = 512;
/** Token ids of the warm-up run: id 0 exists in every vocabulary. */
const WARM_UP_IDS = [0, 0, 0];

/** q_l/k_l/v_l/o_l beside each attn_l (as the bundled model exports them), or undefined. */
export function findVectorOutputs(attention: readonly string[], names: readonly string[]): VectorOutputs[] | undefined {
  const available = new Set(names);
  const layers = attention.map((name) => {
    const layer = NAMED_ATTENTION_OUTPUT.exec(name)?.[1];
    const set = { q: `q_${layer}`, k: `k_${layer}`, v: `v_${layer}`, o: `o_${layer}` };
    return Object.values(set).every((n) => available.has(n)) ? set : undefined;
  });
  return layers.every((l) => l !== undefined) ? (layers as VectorOutputs[]) : undefined;
}

function parseTokenizer(bytes: Uint8Array, file: string): TextTokenizer {
  try {
    return loadTokenizer(new TextDecoder().decode(bytes));
  } catch (err) {
    if (!(err instanceof TokenizerError)) throw err;
    throw new ModelLoadError('tokenizer', `${file}: ${err.message}`);
  }
}

/** Ids past the embedding table would make every run fail, or worse, read garbage. */
function checkVocabulary(tokenizer: TextTokenizer, graph: ModelGraph, files: ModelFiles): void {
  if (graph.embeddingRows === undefined || tokenizer.vocabSize <= graph.embeddingRows) return;
  throw new ModelLoadError(
    'vocabulary',
    `${files.tokenizer} has ${tokenizer.vocabSize} tokens but the embedding of ${files.model} has only ${graph.embeddingRows} rows: ` +
      'the tokenizer does not belong to this model. Use the tokenizer.json published with the model.',
  );
}

async function createSession(bytes: Uint8Array, file: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (err) {
    throw new ModelLoadError('runtime', `onnxruntime could not load ${file}: ${(err as Error).message}`);
  }
}

function configureRuntime(wasmDir: string, threads: number): void {
  ort.env.wasm.wasmPaths = pathToFileURL(wasmDir.endsWith(sep) ? wasmDir : wasmDir + sep).href;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
}

export class AttentionModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: TextTokenizer,
    /** Attention per layer, and q/k/v/o per layer when the model exports all four for every layer. */
    public readonly outputs: OutputNames,
    /** The model as the session got it (attention outputs exposed): what another engine must load. */
    public readonly modelBytes: Uint8Array,
    public readonly info: ModelInfo,
  ) {}

  static async load(location: ModelLocation, wasmDir: string): Promise<AttentionModel> {
    const started = performance.now();
    configureRuntime(wasmDir, location.threads);
    const files = modelFiles(location);
    const [modelBytes, tokenizerBytes, configText] = await Promise.all([
      readRequiredFile(files.model, 'model'),
      readRequiredFile(files.tokenizer, 'tokenizer'),
      readOptionalText(files.config),
    ]);
    const config = parseModelConfig(configText, files.config);
    const tokenizer = parseTokenizer(tokenizerBytes, files.tokenizer);
    const graph = inspectModelGraph(modelBytes, files.model);
    checkInputs(graph.inputs, files.model);
    checkVocabulary(tokenizer, graph, files);
    const session = await createSession(graph.modelBytes, files.model);
    const attention = [...graph.attention];
    const partial: ModelInfo = {
      name: config.name ?? basename(location.modelFile ?? location.folder, '.onnx'),
      layers: attention.length,
      heads: 0,
      context: config.context ?? graph.positionRows ?? DEFAULT_CONTEXT,
      causal: config.causal,
      vocabSize: tokenizer.vocabSize,
      backend: location.threads > 1 ? `wasm (${location.threads} threads)` : 'wasm',
      loadMs: 0,
    };
    const outputs: OutputNames = { attention, vectors: findVectorOutputs(attention, session.outputNames) };
    const model = new AttentionModel(session, tokenizer, outputs, graph.modelBytes, partial);
    // A first tiny run compiles the kernels now rather than on the user's first request, and
    // gives the head count from the real output shapes (and checks them).
    let heads: number;
    try {
      heads = headsFromShapes((await model.runIds(WARM_UP_IDS)).tensors, WARM_UP_IDS.length, files.model);
    } catch (err) {
      await session.release();
      throw err instanceof ModelLoadError ? err : new ModelLoadError('runtime', `onnxruntime could not run ${files.model}: ${(err as Error).message}`);
    }
    return new AttentionModel(session, tokenizer, outputs, graph.modelBytes, {
      ...partial,
      heads,
      loadMs: performance.now() - started,
    });
  }

  /** Special tokens the tokenizer frames every text with ([CLS] … [SEP]: 2; Llama's BOS: 1). */
  specialTokenCount(): number {
    return this.tokenizer.encode('').filter((t) => t.special).length;
  }

  async run(text: string, maxTokens: number): Promise<InferenceOutput> {
    const { tokens, truncated, tokenizeMs } = this.tokenize(text, maxTokens);
    // A frame of special tokens alone ([CLS] [SEP] around blank text) has nothing to show.
    if (tokens.every((t) => t.special)) {
      return { tokens: [], attention: [], vectors: undefined, truncated, tokenizeMs, inferenceMs: 0 };
    }
    const t1 = performance.now();
    const { attention, vectors } = await this.runIds(tokens.map((t) => t.id));
    return { tokens, attention, vectors, truncated, tokenizeMs, inferenceMs: performance.now() - t1 };
  }

  /** Tokens and input feeds of a run that another engine will execute (see WebGpuEngine). */
  prepare(text: string, maxTokens: number): PreparedRun {
    const { tokens, truncated, tokenizeMs } = this.tokenize(text, maxTokens);
    const ids = tokens.every((t) => t.special) ? [] : tokens.map((t) => t.id);
    const feeds = buildFeeds<FeedTensor>(this.session.inputMetadata, ids, (type, data, dims) => ({ type, data, dims }));
    return { tokens: ids.length === 0 ? [] : tokens, truncated, tokenizeMs, feeds: ids.length === 0 ? {} : feeds, outputs: this.outputs };
  }

  private tokenize(text: string, maxTokens: number): { tokens: SourceToken[]; truncated: boolean; tokenizeMs: number } {
    const t0 = performance.now();
    const { tokens, truncated } = truncateTokens(this.tokenizer.encode(text), Math.min(maxTokens, this.info.context));
    const tokenizeMs = performance.now() - t0;
    checkRequestBudget(this.info, tokens.length);
    return { tokens, truncated, tokenizeMs };
  }

  private async runIds(
    ids: readonly number[],
  ): Promise<{ attention: Float32Array[]; tensors: AttentionTensor[]; vectors: LayerVectors[] | undefined }> {
    const feeds = buildFeeds(this.session.inputMetadata, ids, (type, data, dims) => new ort.Tensor(type, data, dims));
    const results = await this.session.run(feeds, fetchedOutputs(this.outputs));
    const plain = Object.fromEntries(
      Object.entries(results).map(([name, tensor]) => [name, { type: tensor.type, dims: tensor.dims, data: tensor.data as Float32Array }]),
    );
    // The data stays readable after dispose on the CPU: dispose drops only onnxruntime's handle.
    for (const tensor of [...Object.values(results), ...Object.values(feeds)]) tensor.dispose();
    return decodeOutputs(this.outputs, plain);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
