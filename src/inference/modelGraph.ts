/**
 * What Attention Lens needs to know from the ONNX graph before onnxruntime sees it: which
 * tensors are the attention (declared `attn_<n>` outputs, or Softmax outputs exposed in memory),
 * the inputs it must feed, and the sizes of the embedding tables. The user's file is never written.
 */
import {
  AttentionNotFoundError,
  OnnxFormatError,
  exposeAttention,
  externalDataTensors,
  pruneGraph,
  readOnnxModel,
  type OnnxModel,
} from '../onnx';
import { ModelLoadError } from './modelErrors';
import { fetchedOutputs, type OutputNames } from './outputDecoding';

/** Attention outputs the project's own export declares, one per layer. */
export const NAMED_ATTENTION_OUTPUT = /^attn_(\d+)$/;
/** Learned position tables as Hugging Face exports name them (embeddings.position_embeddings.weight). */
const POSITION_TABLE = /position_embeddings?(\.weight)?$/;

export interface ModelGraph {
  /** Bytes for onnxruntime: the file's own, plus a graph field declaring exposed attention outputs. */
  readonly modelBytes: Uint8Array;
  /** Attention tensor names in layer order. */
  readonly attention: readonly string[];
  /** Every graph output in `modelBytes`: the file's own plus exposed attention. */
  readonly outputs: readonly string[];
  /** Names of the inputs the caller must feed. */
  readonly inputs: readonly string[];
  /** Rows of the token embedding gathered by input_ids, when the graph shows it plainly. */
  readonly embeddingRows: number | undefined;
  /** Rows of a learned position-embedding table: the longest input the model can take. */
  readonly positionRows: number | undefined;
}

export function inspectModelGraph(bytes: Uint8Array, file: string): ModelGraph {
  const model = readModel(bytes, file);
  const external = externalDataTensors(model);
  if (external.length > 0) {
    const dataFiles = [...new Set(external.map((name) => model.graph.initializers.get(name)?.externalLocation || '?'))];
    throw new ModelLoadError(
      'external-data',
      `${file} keeps the weights of ${external.length} tensors in separate external data files (${dataFiles.join(', ')}), ` +
        'which Attention Lens does not load. Save the model as one file, e.g. in Python: ' +
        'onnx.save(onnx.load(path), "model.onnx", save_as_external_data=False) (possible for models under 2 GB).',
    );
  }
  const found = findAttention(bytes, model, file);
  return {
    ...found,
    outputs: [...new Set([...model.graph.outputs.map((o) => o.name), ...found.attention])],
    inputs: model.graph.inputs.map((i) => i.name),
    embeddingRows: embeddingRows(model),
    positionRows: positionRows(model),
  };
}

function readModel(bytes: Uint8Array, file: string): OnnxModel {
  try {
    return readOnnxModel(bytes);
  } catch (err) {
    if (!(err instanceof OnnxFormatError)) throw err;
    const advice = err.kind === 'truncated' ? 'Download or copy it again.' : 'Check that it is an ONNX model (not a Git LFS pointer) or export it again.';
    throw new ModelLoadError('unreadable-model', `${file} cannot be read: ${err.message} ${advice}`);
  }
}

/** Declared attn_<n> outputs win (sorted by layer); otherwise Softmax outputs are exposed, in graph order. */
function findAttention(bytes: Uint8Array, model: OnnxModel, file: string): { modelBytes: Uint8Array; attention: string[] } {
  const named = model.graph.outputs.map((o) => o.name).filter((n) => NAMED_ATTENTION_OUTPUT.test(n));
  if (named.length > 0) {
    return { modelBytes: bytes, attention: named.sort((a, b) => layerOf(a) - layerOf(b)) };
  }
  try {
    const exposed = exposeAttention(bytes, model);
    return { modelBytes: exposed.modelBytes, attention: exposed.outputs.map((o) => o.name) };
  } catch (err) {
    if (!(err instanceof AttentionNotFoundError)) throw err;
    const advice = err.fusedAttention.length > 0 ? '' : ' Attention Lens needs a Transformer whose attention is a Softmax followed by a MatMul, as PyTorch exports BERT- and GPT-style models.';
    throw new ModelLoadError('no-attention', `${file}: ${err.message}${advice}`);
  }
}

function layerOf(name: string): number {
  return Number(NAMED_ATTENTION_OUTPUT.exec(name)![1]);
}

/** Rows of the table a Gather indexes with input_ids: how many token ids the model knows. */
function embeddingRows(model: OnnxModel): number | undefined {
  for (const node of model.graph.nodes) {
    if (node.opType !== 'Gather' || node.inputs[1] !== 'input_ids') continue;
    const table = model.graph.initializers.get(node.inputs[0] ?? '');
    if (table?.dims.length === 2) return table.dims[0];
  }
  return undefined;
}

function positionRows(model: OnnxModel): number | undefined {
  for (const [name, table] of model.graph.initializers) {
    if (POSITION_TABLE.test(name) && table.dims.length === 2) return table.dims[0];
  }
  return undefined;
}

/**
 * The model cut down to the outputs a run fetches (attention, and q/k/v/o where the model has
 * them) and the nodes they need (onnx/pruneGraph.ts): outputs no view shows, such as `logits`,
 * are neither declared nor computed. A feature that needs another output adds it to `outputs`.
 * @throws ModelLoadError ('unreadable-model') when the graph cannot be walked.
 */
export function pruneToViews(modelBytes: Uint8Array, outputs: OutputNames, file: string): Uint8Array {
  try {
    return pruneGraph(modelBytes, fetchedOutputs(outputs)).modelBytes;
  } catch (err) {
    throw new ModelLoadError('unreadable-model', `${file}: its graph could not be reduced to the attention outputs: ${(err as Error).message}`);
  }
}
