/**
 * A loaded model plus its tokenizer: text in, tokens with source offsets and per-layer
 * attention out. Runs onnxruntime-web (WASM) in whatever thread calls it; the extension calls it
 * from a worker thread, the CLI and tests call it directly. No `vscode` here.
 */
import * as ort from 'onnxruntime-web';
import { readFile } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTokenizer, type TextTokenizer } from '../tokenizer';
import type { SourceToken } from '../shared/tokens';
import { buildFeeds } from './modelInputs';
import type { InferenceOutput, ModelInfo, ModelLocation } from './workerProtocol';
import type { LayerVectors } from '../attention/attentionRun';

/** Optional config.json beside the model: facts the ONNX graph does not state. */
interface ModelConfig {
  name?: string;
  context?: number;
  causal?: boolean;
}

const DEFAULT_CONTEXT = 512;
const ATTENTION_OUTPUT = /^attn_(\d+)$/;

export class ModelLoadError extends Error {}

async function readModelFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new ModelLoadError(`Cannot read the ${what} at ${path}: ${(err as Error).message}`);
  }
}

async function readConfig(folder: string): Promise<ModelConfig> {
  try {
    return JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as ModelConfig;
  } catch {
    return {};
  }
}

interface VectorOutputs {
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
}

/** q_l/k_l/v_l/o_l beside each attn_l (as the bundled model exports them), or undefined. */
function findVectorOutputs(attention: readonly string[], names: readonly string[]): VectorOutputs[] | undefined {
  const available = new Set(names);
  const layers = attention.map((name) => {
    const layer = ATTENTION_OUTPUT.exec(name)?.[1];
    const set = { q: `q_${layer}`, k: `k_${layer}`, v: `v_${layer}`, o: `o_${layer}` };
    return Object.values(set).every((n) => available.has(n)) ? set : undefined;
  });
  return layers.every((l) => l !== undefined) ? (layers as VectorOutputs[]) : undefined;
}

/** Attention outputs ordered by layer. */
function attentionOutputs(names: readonly string[]): string[] {
  return names
    .filter((n) => ATTENTION_OUTPUT.test(n))
    .sort((a, b) => Number(ATTENTION_OUTPUT.exec(a)![1]) - Number(ATTENTION_OUTPUT.exec(b)![1]));
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
    private readonly outputs: string[],
    /** Per layer, the q/k/v/o output names, when the model exports all four for every layer. */
    private readonly vectorOutputs: VectorOutputs[] | undefined,
    public readonly info: ModelInfo,
  ) {}

  static async load(location: ModelLocation, wasmDir: string): Promise<AttentionModel> {
    const started = performance.now();
    configureRuntime(wasmDir, location.threads);
    const [modelBytes, tokenizerBytes, config] = await Promise.all([
      readModelFile(join(location.folder, 'model.onnx'), 'model'),
      readModelFile(join(location.folder, 'tokenizer.json'), 'tokenizer'),
      readConfig(location.folder),
    ]);
    const tokenizer = loadTokenizer(new TextDecoder().decode(tokenizerBytes));
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelBytes, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ModelLoadError(`onnxruntime could not load ${join(location.folder, 'model.onnx')}: ${(err as Error).message}`);
    }
    const outputs = attentionOutputs(session.outputNames);
    if (outputs.length === 0) {
      throw new ModelLoadError(
        `The model at ${location.folder} has no attention outputs (attn_0, attn_1, …). Outputs: ${session.outputNames.join(', ')}.`,
      );
    }
    const partial: ModelInfo = {
      name: config.name ?? basename(location.folder),
      layers: outputs.length,
      heads: 0,
      context: config.context ?? DEFAULT_CONTEXT,
      causal: config.causal ?? true,
      vocabSize: tokenizer.vocabSize,
      backend: location.threads > 1 ? `wasm (${location.threads} threads)` : 'wasm',
      loadMs: 0,
    };
    const vectorOutputs = findVectorOutputs(outputs, session.outputNames);
    const model = new AttentionModel(session, tokenizer, outputs, vectorOutputs, partial);
    // A first tiny run compiles the kernels now rather than on the user's first request, and
    // tells us the head count from the real output shape.
    const warm = await model.runIds([0, 0]);
    const heads = warm.attention[0].length / 4;
    return new AttentionModel(session, tokenizer, outputs, vectorOutputs, {
      ...partial,
      heads,
      loadMs: performance.now() - started,
    });
  }

  async run(text: string, maxTokens: number): Promise<InferenceOutput> {
    const t0 = performance.now();
    let tokens: SourceToken[] = this.tokenizer.encode(text);
    const limit = Math.min(maxTokens, this.info.context);
    const truncated = tokens.length > limit;
    if (truncated) tokens = tokens.slice(0, limit);
    const tokenizeMs = performance.now() - t0;
    if (tokens.length === 0) {
      return { tokens, attention: [], vectors: undefined, truncated, tokenizeMs, inferenceMs: 0 };
    }
    const t1 = performance.now();
    const { attention, vectors } = await this.runIds(tokens.map((t) => t.id));
    return { tokens, attention, vectors, truncated, tokenizeMs, inferenceMs: performance.now() - t1 };
  }

  private async runIds(ids: readonly number[]): Promise<{ attention: Float32Array[]; vectors: LayerVectors[] | undefined }> {
    const feeds = buildFeeds(this.session.inputMetadata, ids, (type, data, dims) => new ort.Tensor(type, data, dims));
    const vectorNames = (this.vectorOutputs ?? []).flatMap((v) => [v.q, v.k, v.v, v.o]);
    const results = await this.session.run(feeds, [...this.outputs, ...vectorNames]);
    const take = (name: string): Float32Array => {
      const tensor = results[name];
      const data = tensor.data as Float32Array;
      tensor.dispose();
      return data;
    };
    const attention = this.outputs.map(take);
    const vectors = this.vectorOutputs?.map((names) => {
      const headDim = Number(results[names.q].dims[3]);
      return { q: take(names.q), k: take(names.k), v: take(names.v), o: take(names.o), headDim };
    });
    for (const tensor of Object.values(feeds)) tensor.dispose();
    return { attention, vectors };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
