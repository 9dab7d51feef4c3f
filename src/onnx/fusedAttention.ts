/**
 * Attention probabilities of fused attention operators, which have no Softmax output to expose.
 *
 * The fused node itself is left in place (its outputs keep their meaning and the model's own
 * outputs do not change); appended standard operators recompute its probabilities from the same
 * inputs, [batch, heads, queries, keys] in float32:
 *
 * - ONNX `Attention` (opset 23): a second Attention node on the same inputs with
 *   qk_matmul_output_mode = 3, whose fourth output is the softmax (onnx/docs/Operators.md#Attention).
 * - com.microsoft `MultiHeadAttention`, `Attention` (packed QKV weights) and `GroupQueryAttention`
 *   (kv_num_heads, do_rotary with cos/sin caches, local_window_size, softcap): scores = Q·Kᵀ·scale,
 *   softcap·tanh(scores/softcap), + attention_bias, causal / local-window masking, Softmax — the
 *   computation onnxruntime's contrib kernels document (onnxruntime/docs/ContribOperators.md).
 *
 * Padding masks (key_padding_mask, mask_index) are not applied: Attention Lens runs one sequence
 * with an all-ones attention_mask, so they mask nothing. Keys come from the node's present_key
 * output when it has one (past and current keys, after rotary), else from its key input.
 */
import type { OnnxModel, OnnxNode } from './readModel';
import { DataType, type RawAttribute } from './onnxSchema';
import { rawAttribute } from './rawForm';
import { GraphBuilder } from './graphBuilder';

/** A fused node this module cannot recompute, and why. */
export class FusedAttentionError extends Error {
  override readonly name = 'FusedAttentionError';
}

/** The fused attention ops recomputed here, by domain. */
export const FUSED_OPS: Readonly<Record<string, ReadonlySet<string>>> = {
  '': new Set(['Attention']),
  'ai.onnx': new Set(['Attention']),
  'com.microsoft': new Set(['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'PackedMultiHeadAttention']),
};

export function isFusedAttention(node: OnnxNode): boolean {
  return FUSED_OPS[node.domain]?.has(node.opType) ?? false;
}

/** Lowest default-domain opset whose operators (Range, Where, Expand) the recomputation uses. */
const MIN_OPSET = 11;
/** Masked scores: float32's lowest value, so a fully masked row still gives a defined softmax. */
const MASKED = -3.4028234663852886e38;

/**
 * Appends to `builder` the nodes computing `node`'s attention probabilities; returns the name of
 * the float32 [batch, heads, queries, keys] tensor. Throws FusedAttentionError for layouts and
 * options it does not handle, naming them.
 */
export function recomputeAttention(builder: GraphBuilder, node: OnnxNode, model: OnnxModel): string {
  const label = `${node.domain ? `${node.domain}.` : ''}${node.opType}${node.name ? ` '${node.name}'` : ''}`;
  if (node.domain === '' || node.domain === 'ai.onnx') return onnxAttention(builder, node);
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < MIN_OPSET) throw new FusedAttentionError(`${label}: the model's opset ${opset} is older than ${MIN_OPSET}, which the rewrite needs.`);
  switch (node.opType) {
    case 'MultiHeadAttention':
      return multiHeadAttention(builder, node, label);
    case 'Attention':
      return packedAttention(builder, node, model, label);
    case 'GroupQueryAttention':
      return groupQueryAttention(builder, node, label);
    default:
      throw new FusedAttentionError(`${label}: ${node.opType} (variable-length packed batches) is not rewritten.`);
  }
}

/** ONNX Attention: the same node again, asked for its softmax output (qk_matmul_output_mode 3). */
function onnxAttention(b: GraphBuilder, node: OnnxNode): string {
  const probabilities = b.name('attention_probs');
  const attributes: RawAttribute[] = [...node.attributes.values()]
    .filter((a) => a.name !== 'qk_matmul_output_mode')
    .map(rawAttribute);
  attributes.push({ name: 'qk_matmul_output_mode', type: 2, i: 3 });
  const outputs = [b.name('y'), '', '', probabilities];
  b.nodes.push({ name: b.name('Attention'), opType: 'Attention', domain: node.domain, input: [...node.inputs], output: outputs, attribute: attributes });
  return b.toFloat(probabilities);
}

function multiHeadAttention(b: GraphBuilder, node: OnnxNode, label: string): string {
  const heads = requiredInt(node, 'num_heads', label);
  const [query, key, , bias, , attentionBias] = node.inputs;
  if (!key) throw new FusedAttentionError(`${label}: packed QKV in the query input is not rewritten; export with separate query, key and value.`);
  const presentKey = node.outputs[1];
  let q = b.toFloat(query!);
  let k = b.toFloat(key);
  if (bias) {
    const all = b.toFloat(bias);
    const hidden = b.op('Div', [b.op('Shape', [all]), b.int64([3])]);
    q = b.op('Add', [q, sliceRange(b, all, b.int64([0]), hidden)]);
    if (!presentKey) k = b.op('Add', [k, sliceRange(b, all, hidden, b.op('Add', [hidden, hidden]))]);
  }
  const qHeads = splitHeads(b, q, heads);
  // present_key holds past + current keys with the bias added, [batch, heads, keys, head_dim].
  // Without it, the key input is taken as [batch, keys, heads·head_dim].
  const kHeads = presentKey ? b.toFloat(presentKey) : splitHeads(b, k, heads);
  return probabilities(b, qHeads, kHeads, {
    scale: node.attributes.get('scale')?.float,
    causal: (node.attributes.get('unidirectional')?.int ?? 0) === 1,
    attentionBias,
  });
}

function packedAttention(b: GraphBuilder, node: OnnxNode, model: OnnxModel, label: string): string {
  const heads = requiredInt(node, 'num_heads', label);
  const [input, weights, bias, , past, attentionBias] = node.inputs;
  if (past) throw new FusedAttentionError(`${label}: the packed past input (past_present_share_buffer layout) is not rewritten.`);
  const weightTensor = model.graph.initializers.get(weights ?? '');
  const sizes = node.attributes.get('qkv_hidden_sizes')?.ints ?? [];
  // Q and K widths; V (the remaining columns) does not enter the probabilities.
  let qSize: number, kSize: number;
  if (sizes.length === 3) [qSize, kSize] = sizes as [number, number, number];
  else if (weightTensor?.dims.length === 2) qSize = kSize = weightTensor.dims[1]! / 3;
  else throw new FusedAttentionError(`${label}: its QKV weight is not a 2-D initializer, so the Q/K/V split is unknown.`);
  let qkv = b.op('MatMul', [b.toFloat(input!), b.toFloat(weights!)]);
  if (bias) qkv = b.op('Add', [qkv, b.toFloat(bias)]);
  const q = sliceLast(b, qkv, 0, qSize);
  const k = sliceLast(b, qkv, qSize, qSize + kSize);
  return probabilities(b, splitHeads(b, q, heads), splitHeads(b, k, heads), {
    scale: node.attributes.get('scale')?.float,
    causal: (node.attributes.get('unidirectional')?.int ?? 0) === 1,
    attentionBias,
  });
}

function groupQueryAttention(b: GraphBuilder, node: OnnxNode, label: string): string {
  const heads = requiredInt(node, 'num_heads', label);
  const kvHeads = requiredInt(node, 'kv_num_heads', label);
  const [query, key, , , , , , cosCache, sinCache, positionIds, attentionBias, headSink] = node.inputs;
  if ((node.attributes.get('smooth_softmax')?.int ?? 0) !== 0 || headSink) {
    throw new FusedAttentionError(`${label}: smooth_softmax / head_sink (an extra softmax term) is not rewritten.`);
  }
  const presentKey = node.outputs[1];
  if (!presentKey) throw new FusedAttentionError(`${label}: it declares no present_key output to read the keys from.`);
  let q = b.toFloat(query!);
  if (!key) {
    // Packed QKV: [batch, S, (heads + 2·kv_heads)·head_dim]; the query comes first.
    const width = b.op('Gather', [b.op('Shape', [q]), b.int64([2], [])]);
    const headDim = b.op('Div', [width, b.int64([heads + 2 * kvHeads], [])]);
    q = sliceRange(b, q, b.int64([0]), b.op('Reshape', [b.op('Mul', [headDim, b.int64([heads], [])]), b.int64([1])]), 2);
  }
  let qHeads = splitHeads(b, q, heads);
  if ((node.attributes.get('do_rotary')?.int ?? 0) === 1) {
    if (!cosCache || !sinCache) throw new FusedAttentionError(`${label}: do_rotary is set but cos_cache/sin_cache are missing.`);
    const interleaved = (node.attributes.get('rotary_interleaved')?.int ?? 0) === 1;
    qHeads = rotary(b, qHeads, b.toFloat(cosCache), b.toFloat(sinCache), positionIds, interleaved);
  }
  // present_key: [batch, kv_heads, keys, head_dim], already rotated; repeat each kv head for its query heads.
  let kHeads = b.toFloat(presentKey);
  if (heads !== kvHeads) {
    const shape = b.op('Shape', [kHeads]);
    const batchAndKv = b.op('Slice', [shape, b.int64([0]), b.int64([2]), b.int64([0])]);
    const keysAndDim = b.op('Slice', [shape, b.int64([2]), b.int64([4]), b.int64([0])]);
    const headDim = b.op('Slice', [shape, b.int64([3]), b.int64([4]), b.int64([0])]);
    const grouped = b.op('Reshape', [kHeads, b.op('Concat', [batchAndKv, b.int64([1]), keysAndDim], { axis: 0 })]);
    const expanded = b.op('Expand', [grouped, b.int64([1, 1, heads / kvHeads, 1, 1])]);
    const merged = b.op('Concat', [b.op('Slice', [shape, b.int64([0]), b.int64([1]), b.int64([0])]), b.int64([heads, -1]), headDim], { axis: 0 });
    kHeads = b.op('Reshape', [expanded, merged]);
  }
  const window = node.attributes.get('local_window_size')?.int ?? -1;
  return probabilities(b, qHeads, kHeads, {
    scale: node.attributes.get('scale')?.float,
    softcap: node.attributes.get('softcap')?.float,
    causal: true,
    ...(window >= 0 ? { window } : {}),
    attentionBias,
  });
}

interface ScoreOptions {
  readonly scale: number | undefined;
  readonly softcap?: number | undefined;
  readonly causal: boolean;
  /** GQA local_window_size: each query sees this many keys, itself included (keys more than
   *  window − 1 positions back are masked), as onnxruntime's kernel computes it. */
  readonly window?: number;
  readonly attentionBias: string | undefined;
}

/** softmax(mask(softcap(Q·Kᵀ·scale) + bias)) over [batch, heads, S, L]; queries are the last S keys. */
function probabilities(b: GraphBuilder, q: string, k: string, options: ScoreOptions): string {
  const kT = b.op('Transpose', [k], { perm: [0, 1, 3, 2] });
  let scores = b.op('MatMul', [q, kT]);
  const scale = options.scale && options.scale !== 0 ? b.float(options.scale) : b.op('Reciprocal', [b.op('Sqrt', [lastDimAsFloat(b, q)])]);
  scores = b.op('Mul', [scores, scale]);
  if (options.softcap && options.softcap > 0) {
    const cap = b.float(options.softcap);
    scores = b.op('Mul', [b.op('Tanh', [b.op('Div', [scores, cap])]), cap]);
  }
  if (options.attentionBias) scores = b.op('Add', [scores, b.toFloat(options.attentionBias)]);
  if (options.causal || options.window !== undefined) {
    const shape = b.op('Shape', [scores]);
    const queries = b.op('Gather', [shape, b.int64([2], [])]);
    const keys = b.op('Gather', [shape, b.int64([3], [])]);
    const keyPos = b.op('Range', [b.int64([0], []), keys, b.int64([1], [])]);
    const queryPos = b.op('Reshape', [b.op('Range', [b.op('Sub', [keys, queries]), keys, b.int64([1], [])]), b.int64([-1, 1])]);
    let masked = b.op('Greater', [keyPos, queryPos]);
    if (options.window !== undefined) {
      const tooOld = b.op('Less', [keyPos, b.op('Sub', [queryPos, b.int64([options.window - 1], [])])]);
      masked = b.op('Or', [masked, tooOld]);
    }
    scores = b.op('Where', [masked, b.float(MASKED), scores]);
  }
  return b.op('Softmax', [scores], { axis: -1 });
}

/** [batch, S, heads·head_dim] → [batch, heads, S, head_dim]. */
function splitHeads(b: GraphBuilder, x: string, heads: number): string {
  return b.op('Transpose', [b.op('Reshape', [x, b.int64([0, 0, heads, -1])])], { perm: [0, 2, 1, 3] });
}

function lastDimAsFloat(b: GraphBuilder, x: string): string {
  const dim = b.op('Gather', [b.op('Shape', [x]), b.int64([-1], [])]);
  return b.op('Cast', [dim], { to: DataType.FLOAT });
}

/** x[..., start:end] on the last axis, for constant bounds. */
function sliceLast(b: GraphBuilder, x: string, start: number, end: number): string {
  return b.op('Slice', [x, b.int64([start]), b.int64([end]), b.int64([-1])]);
}

/** x[start:end] along `axis` (0 by default) for 1-element int64 bounds computed in the graph. */
function sliceRange(b: GraphBuilder, x: string, start: string, end: string, axis = 0): string {
  return b.op('Slice', [x, start, end, b.int64([axis])]);
}

/**
 * Rotary position embedding of x [batch, heads, S, head_dim] with caches [max_positions, rotary_dim/2]
 * (Su et al. 2021, RoFormer; the half-split form of GPT-NeoX/Llama, or interleaved pairs).
 * Positions are position_ids when given, else 0..S-1 (an empty past).
 */
function rotary(b: GraphBuilder, x: string, cosCache: string, sinCache: string, positionIds: string | undefined, interleaved: boolean): string {
  const half = b.op('Gather', [b.op('Shape', [cosCache]), b.int64([1])]); // [1]: rotary_dim / 2
  const rotaryDim = b.op('Add', [half, half]);
  const seq = b.op('Gather', [b.op('Shape', [x]), b.int64([2], [])]);
  const positions = positionIds ?? b.op('Range', [b.int64([0], []), seq, b.int64([1], [])]);
  // [S, rotary_dim/2] (or [batch, S, rotary_dim/2] for position_ids [batch, S]) → broadcast over heads.
  let cos = b.op('Gather', [cosCache, positions]);
  let sin = b.op('Gather', [sinCache, positions]);
  if (positionIds) {
    cos = b.op('Reshape', [cos, b.int64([0, 1, -1, 0])]);
    sin = b.op('Reshape', [sin, b.int64([0, 1, -1, 0])]);
  }
  const rotated = sliceRange(b, x, b.int64([0]), rotaryDim, 3);
  const rest = sliceRange(b, x, rotaryDim, b.int64([2 ** 31 - 1]), 3);
  let first: string, second: string;
  if (interleaved) {
    const pairs = b.op('Reshape', [rotated, b.int64([0, 0, 0, -1, 2])]);
    first = b.op('Reshape', [sliceLast(b, pairs, 0, 1), b.int64([0, 0, 0, -1])]);
    second = b.op('Reshape', [sliceLast(b, pairs, 1, 2), b.int64([0, 0, 0, -1])]);
  } else {
    first = sliceRange(b, rotated, b.int64([0]), half, 3);
    second = sliceRange(b, rotated, half, rotaryDim, 3);
  }
  const out1 = b.op('Sub', [b.op('Mul', [first, cos]), b.op('Mul', [second, sin])]);
  const out2 = b.op('Add', [b.op('Mul', [second, cos]), b.op('Mul', [first, sin])]);
  let joined: string;
  if (interleaved) {
    const stacked = b.op('Concat', [b.op('Reshape', [out1, b.int64([0, 0, 0, -1, 1])]), b.op('Reshape', [out2, b.int64([0, 0, 0, -1, 1])])], { axis: -1 });
    joined = b.op('Reshape', [stacked, b.int64([0, 0, 0, -1])]);
  } else {
    joined = b.op('Concat', [out1, out2], { axis: -1 });
  }
  return b.op('Concat', [joined, rest], { axis: -1 });
}

function requiredInt(node: OnnxNode, name: string, label: string): number {
  const value = node.attributes.get(name)?.int;
  if (value === undefined || value <= 0) throw new FusedAttentionError(`${label}: attribute ${name} is missing.`);
  return value;
}
