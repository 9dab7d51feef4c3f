/**
 * What Attention Lens needs to know from the ONNX graph before onnxruntime sees it: which
 * tensors are the attention (declared `attn_<n>` outputs, or Softmax outputs exposed in memory),
 * the inputs it must feed, and the sizes of the embedding tables. The user's file is never written.
 */
import {
  AttentionNotFoundError,
  Bfloat16Error,
  OnnxFormatError,
  hasBfloat16,
  upcastBfloat16,
  UPCAST_DATA_LOCATION,
  allGraphs,
  exposeAttention,
  externalDataTensors,
  misplacedExternalData,
  pruneGraph,
  readOnnxModel,
  weightPrecision,
  type OnnxGraph,
  type OnnxModel,
  type OnnxTensor,
} from '../onnx';
import { ModelLoadError } from './modelErrors';
import type { DeclaredInput } from './modelInputs';
import { fetchedOutputs, type OutputNames } from './outputDecoding';

/** Attention outputs the project's own export declares, one per layer. */
export const NAMED_ATTENTION_OUTPUT = /^attn_(\d+)$/;
/** Learned position tables as Hugging Face exports name them (embeddings.position_embeddings.weight). */
const POSITION_TABLE = /position_embeddings?(\.weight)?$/;
/** Ops that only reshape or convert on the way from a reduction to a declared output. */
const SHAPE_OPS = new Set(['Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);
/** Operators of quantized models (QDQ, dynamic quantization, 4-bit weights). */
const QUANTIZED_OPS = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'MatMulInteger', 'QLinearMatMul', 'MatMulNBits', 'DynamicQuantizeMatMul']);
const CONTROL_FLOW_OPS = new Set(['If', 'Loop', 'Scan']);

export interface ModelGraph {
  /** Bytes for onnxruntime: the file's own, plus a graph field declaring exposed attention outputs. */
  readonly modelBytes: Uint8Array;
  /** Attention tensor names in layer order. */
  readonly attention: readonly string[];
  /** Attention outputs the graph computes as a mean over heads (a ReduceMean, or ReduceSum then Div). */
  readonly averaged: ReadonlySet<string>;
  /** Every graph output in `modelBytes`: the file's own plus exposed attention. */
  readonly outputs: readonly string[];
  /** The inputs the caller must feed, with element type and shape. */
  readonly inputs: readonly DeclaredInput[];
  /** Rows of the token embedding gathered by input_ids, when the graph shows it plainly. */
  readonly embeddingRows: number | undefined;
  /** Rows of a learned position-embedding table, else of the rotary cos cache of fused rotary
   *  operators: the longest input the model can take. */
  readonly positionRows: number | undefined;
  /** External data files named by the model (relative to its folder), in first-use order. */
  readonly externalData: readonly string[];
  /** Fused attention operators whose probabilities are recomputed, e.g. 'com.microsoft.GroupQueryAttention'. */
  readonly fusedOps: readonly string[];
  /** True when the attention comes from a copy of a merged decoder's no-cache If branch. */
  readonly mergedBranch: boolean;
  /** 'float16', 'bfloat16', 'quantized', 'float16 weights' (float16 initializers read only through
   *  Casts to float32: float32 arithmetic) or undefined (float32), as the file has it. */
  readonly precision: string | undefined;
  /** The quantized operator types the graph uses (QUANTIZED_OPS), in first-use order. */
  readonly quantizedOps: readonly string[];
  /** bfloat16 tensors turned into float32 in memory (onnxruntime has no bfloat16 MatMul on CPU or
   *  WebAssembly); 0 for other models. */
  readonly upcastTensors: number;
  /** The float32 copies of a bfloat16 model's initializers, which `modelBytes` names as external
   *  data at `path`: handed to onnxruntime with the files of `externalData`; undefined otherwise. */
  readonly upcastData: { readonly path: string; readonly data: Uint8Array } | undefined;
}

/**
 * Reads what the worker needs from `bytes` (the model file `file`). Throws ModelLoadError for an
 * unreadable model, external data it cannot load, attention it cannot find or expose.
 */
export function inspectModelGraph(fileBytes: Uint8Array, file: string): ModelGraph {
  const original = readModel(fileBytes, file);
  const { bytes, model, upcastTensors, upcastData } = upcastIfBfloat16(fileBytes, original, file);
  const externalData = externalDataFiles(model, file);
  const found = findAttention(bytes, model, file);
  return {
    ...found,
    outputs: [...new Set([...model.graph.outputs.map((o) => o.name), ...found.attention])],
    inputs: model.graph.inputs,
    embeddingRows: embeddingRows(model),
    positionRows: positionRows(model),
    externalData,
    precision: precisionOf(original),
    quantizedOps: [...new Set(model.graph.nodes.filter((n) => QUANTIZED_OPS.has(n.opType)).map((n) => n.opType))],
    upcastTensors,
    upcastData,
  };
}

/**
 * onnxruntime-web's WASM kernels (and onnxruntime-node's CPU kernels) have no bfloat16 MatMul
 * or Softmax (session creation fails with "Could not find an implementation for MatMul(13)"),
 * so a bfloat16 model is converted to float32 in memory (onnx/upcastBfloat16.ts) before anything
 * else looks at it.
 * @throws ModelLoadError ('runtime') when it cannot be converted, saying how to export instead.
 */
function upcastIfBfloat16(
  bytes: Uint8Array,
  model: OnnxModel,
  file: string,
): { bytes: Uint8Array; model: OnnxModel; upcastTensors: number; upcastData: ModelGraph['upcastData'] } {
  if (!hasBfloat16(model)) return { bytes, model, upcastTensors: 0, upcastData: undefined };
  try {
    const upcast = upcastBfloat16(bytes);
    return { bytes: upcast.modelBytes, model: readModel(upcast.modelBytes, file), upcastTensors: upcast.tensors, upcastData: upcast.externalData };
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    if (!(err instanceof Bfloat16Error)) {
      // Parts of the file the reader skips (nested sequence / map types) are walked here first.
      throw new ModelLoadError('unreadable-model', `${file} cannot be read: ${(err as Error).message} Check that it is an ONNX model or export it again.`);
    }
    throw new ModelLoadError(
      'runtime',
      `${file} is a bfloat16 model, which onnxruntime-web cannot run, and Attention Lens cannot convert it to float32 in memory: ${err.message}. ` +
        'Export the model in float16 or float32 (for example model.half() or model.float() before torch.onnx.export), ' +
        'or keep its bfloat16 weights inside the .onnx file.',
    );
  }
}

/** The data files of main-graph initializers; refuses tensors elsewhere with external data, and
 *  locations that leave the model's folder. */
function externalDataFiles(model: OnnxModel, file: string): string[] {
  const misplaced = misplacedExternalData(model);
  if (misplaced.length > 0) {
    throw new ModelLoadError(
      'external-data',
      `${file} keeps the data of ${misplaced.length} tensors held in node attributes or subgraphs (${misplaced.slice(0, 3).join(', ')}) in external files, ` +
        'which onnxruntime cannot load. Save the model with those tensors inside the file (onnx.save(..., save_as_external_data=True) keeps only initializers outside).',
    );
  }
  const locations = [...new Set(externalDataTensors(model).map((name) => model.graph.initializers.get(name)?.externalLocation ?? ''))].filter(
    // The converted weights of a bfloat16 model: a buffer in memory, not a file (upcastData).
    (location) => location !== UPCAST_DATA_LOCATION,
  );
  for (const location of locations) {
    if (location === '' || location.startsWith('/') || location.startsWith('\\') || /^[A-Za-z]:/.test(location) || location.split(/[\\/]/).includes('..')) {
      throw new ModelLoadError(
        'external-data',
        `${file} names the external data location "${location}", which is not a file beside the model. ` +
          'External data files must sit in the model\'s folder (a relative location without "..").',
      );
    }
  }
  return locations;
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
function findAttention(
  bytes: Uint8Array,
  model: OnnxModel,
  file: string,
): { modelBytes: Uint8Array; attention: string[]; averaged: Set<string>; fusedOps: string[]; mergedBranch: boolean } {
  const named = model.graph.outputs.map((o) => o.name).filter((n) => NAMED_ATTENTION_OUTPUT.test(n));
  if (named.length > 0) {
    return { modelBytes: bytes, attention: named.sort((a, b) => layerOf(a) - layerOf(b)), averaged: averagedOutputs(model.graph, named), fusedOps: [], mergedBranch: false };
  }
  try {
    const exposed = exposeAttention(bytes, model);
    return {
      modelBytes: exposed.modelBytes,
      attention: exposed.outputs.map((o) => o.name),
      averaged: new Set(),
      fusedOps: exposed.outputs.flatMap((o) => (o.fusedOp ? [o.fusedOp] : [])),
      mergedBranch: exposed.outputs.some((o) => o.fromBranch !== undefined),
    };
  } catch (err) {
    if (!(err instanceof AttentionNotFoundError)) throw err;
    const hidden = controlFlowWithSoftmax(model.graph);
    if (hidden !== undefined) {
      const advice =
        hidden === 'If'
          ? 'Attention Lens copies out the branch of an If whose condition is the use_cache_branch input; this If branches on something else. For a merged decoder, export it without merging (optimum-cli export onnx --no-post-process) or use decoder_model.onnx.'
          : `Attention computed in a ${hidden} body changes from step to step and is not exposed. Export the model with its layers unrolled.`;
      throw new ModelLoadError('no-attention', `${file}: its attention Softmax is inside a ${hidden} node's subgraph, which Attention Lens does not expose. ${advice}`);
    }
    const advice = err.fusedAttention.length > 0 ? '' : ' Attention Lens needs a Transformer whose attention is a Softmax followed by a MatMul, as PyTorch exports BERT- and GPT-style models.';
    throw new ModelLoadError('no-attention', `${file}: ${err.message}${advice}`);
  }
}

/** The first If/Loop/Scan whose subgraphs hold a Softmax, by op type. */
function controlFlowWithSoftmax(graph: OnnxGraph): string | undefined {
  for (const node of graph.nodes) {
    if (!CONTROL_FLOW_OPS.has(node.opType)) continue;
    const bodies = [...node.attributes.values()].flatMap((a) => [...(a.graph ? [a.graph] : []), ...a.graphs]);
    if (bodies.some((body) => allGraphs(body).some((g) => g.nodes.some((n) => n.opType === 'Softmax')))) return node.opType;
  }
  return undefined;
}

/** Declared outputs reached from a ReduceMean (or a ReduceSum divided by the head count) over a Softmax. */
function averagedOutputs(graph: OnnxGraph, outputs: readonly string[]): Set<string> {
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const averaged = new Set<string>();
  for (const output of outputs) {
    let node = producer.get(output);
    while (node && SHAPE_OPS.has(node.opType)) node = producer.get(node.inputs[0] ?? '');
    if (node?.opType === 'Div') node = producer.get(node.inputs[0] ?? '');
    if (node?.opType === 'ReduceMean' || node?.opType === 'ReduceSum') averaged.add(output);
  }
  return averaged;
}

/** 'quantized', or what the stored floats say (onnx/floatWeights.ts weightPrecision): 'float16',
 *  'bfloat16', 'float16 weights' (float16 storage, float32 arithmetic), undefined for float32. */
function precisionOf(model: OnnxModel): string | undefined {
  if (model.graph.nodes.some((n) => QUANTIZED_OPS.has(n.opType))) return 'quantized';
  return weightPrecision(model);
}

/** The initializer behind `name`: itself, or the one a Cast reads (a float16-stored weight). */
function initializerBehind(model: OnnxModel, name: string): OnnxTensor | undefined {
  const direct = model.graph.initializers.get(name);
  if (direct) return direct;
  const cast = model.graph.nodes.find((n) => n.opType === 'Cast' && n.outputs[0] === name);
  return cast ? model.graph.initializers.get(cast.inputs[0] ?? '') : undefined;
}

function layerOf(name: string): number {
  return Number(NAMED_ATTENTION_OUTPUT.exec(name)![1]);
}

/** Rows of the table a Gather indexes with input_ids: how many token ids the model knows. */
function embeddingRows(model: OnnxModel): number | undefined {
  for (const node of model.graph.nodes) {
    if (node.opType !== 'Gather' || node.inputs[1] !== 'input_ids') continue;
    const table = initializerBehind(model, node.inputs[0] ?? '');
    if (table?.dims.length === 2) return table.dims[0];
  }
  return undefined;
}

function positionRows(model: OnnxModel): number | undefined {
  for (const [name, table] of model.graph.initializers) {
    if (POSITION_TABLE.test(name) && table.dims.length === 2) return table.dims[0];
  }
  return rotaryRows(model);
}

/** Where each rotary operator takes its cos cache [max positions, rotary_dim / 2]
 *  (onnxruntime docs/ContribOperators.md). */
const COS_CACHE_INPUT: Readonly<Record<string, number>> = { GroupQueryAttention: 7, RotaryEmbedding: 2 };

/**
 * The fewest rows among the cos caches of com.microsoft GroupQueryAttention (with do_rotary) and
 * RotaryEmbedding nodes: onnxruntime refuses a longer input ("cos_cache dimension 0 shall not be
 * less than total_sequence_length"), so it is the model's context when config.json gives none.
 */
function rotaryRows(model: OnnxModel): number | undefined {
  let rows: number | undefined;
  for (const node of model.graph.nodes) {
    const input = COS_CACHE_INPUT[node.opType];
    if (node.domain !== 'com.microsoft' || input === undefined) continue;
    if (node.opType === 'GroupQueryAttention' && node.attributes.get('do_rotary')?.int !== 1) continue;
    const cache = model.graph.initializers.get(node.inputs[input] ?? '');
    if (cache?.dims.length === 2) rows = Math.min(rows ?? Infinity, cache.dims[0]!);
  }
  return rows;
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
