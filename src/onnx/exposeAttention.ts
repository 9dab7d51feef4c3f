/**
 * Graph surgery for models this project did not export: make each attention-probability tensor
 * (a Softmax output that is multiplied with V) a graph output, so one run returns the attention.
 *
 * The original bytes are left untouched; a second graph field holding only the extra outputs is
 * appended (appendGraph.ts). No full re-encode, so fields this reader does not know survive, and
 * it is fast on large models.
 */
import { appendGraphField } from './appendGraph';
import { FusedAttentionError, isFusedAttention, recomputeAttention } from './fusedAttention';
import { lowPrecisionWeights } from './floatWeights';
import { GraphBuilder } from './graphBuilder';
import { DataType } from './onnxSchema';
import { RawFormError, rawNode, rawTensor } from './rawForm';
import { readOnnxModel, readersByTensor, type OnnxModel, type OnnxNode } from './readModel';

/** Ops an attention Softmax may pass through on its way to the MatMul with V (quantized models
 *  put (Dynamic)QuantizeLinear / DequantizeLinear between them). */
const PASS_THROUGH_OPS = new Set(['Cast', 'Dropout', 'Identity', 'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear']);
/** The product with V, plain or quantized. */
const MATMUL_OPS = new Set(['MatMul', 'MatMulInteger', 'QLinearMatMul']);
/** Prefix of every tensor and node this module appends. */
const APPENDED_PREFIX = 'attention_lens/';

export interface AttentionOutput {
  /** Tensor name, usable as a fetch name: [batch, heads, queries, keys] for usual models. */
  readonly name: string;
  /** Name of the Softmax node producing it ('' when the file leaves nodes unnamed). */
  readonly softmaxNode: string;
  /** True when the model already declared it as an output (nothing had to be added). */
  readonly alreadyOutput: boolean;
  /** The fused operator whose probabilities appended nodes recompute, when there is one. */
  readonly fusedOp?: string;
  /** Set when the Softmax sits in a branch of an If that was copied out (see inlineStaticBranches). */
  readonly fromBranch?: string;
}

export interface FusedAttentionNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
}

export interface ExposedAttention {
  /** The model with every attention output declared; the input bytes when none was missing. */
  readonly modelBytes: Uint8Array;
  /** In graph order, which for a layered model is layer order. */
  readonly outputs: readonly AttentionOutput[];
  /** Fused attention ops found; their probabilities are recomputed by appended standard operators. */
  readonly fusedAttention: readonly FusedAttentionNode[];
}

/** No attention Softmax was found and no fused attention could be rewritten; `fusedAttention`
 *  lists fused ops found, `reason` says why they could not be rewritten. */
export class AttentionNotFoundError extends Error {
  override readonly name = 'AttentionNotFoundError';

  constructor(
    readonly fusedAttention: readonly FusedAttentionNode[],
    readonly reason?: string,
  ) {
    super(
      fusedAttention.length > 0
        ? `The model computes attention inside fused operators (${describeFused(fusedAttention)}) that Attention Lens cannot rewrite: ${reason ?? 'unknown layout'}. ` +
            'Export the model without attention fusion (plain MatMul/Softmax).'
        : 'No attention found: the model has no Softmax whose output is multiplied (MatMul) with values.',
    );
  }
}

/**
 * Declares every attention Softmax output of `modelBytes` as a graph output, and appends nodes that
 * recompute the probabilities of fused attention ops (fusedAttention.ts). In models with float16 or
 * bfloat16 weights each exposed tensor is cast to float32. Throws OnnxFormatError for unreadable
 * bytes and AttentionNotFoundError when there is nothing to expose.
 */
export function exposeAttention(modelBytes: Uint8Array, model: OnnxModel = readOnnxModel(modelBytes)): ExposedAttention {
  const builder = new GraphBuilder(APPENDED_PREFIX);
  const inlined = inlineStaticBranches(model, builder);
  const nodes = [...model.graph.nodes, ...inlined.nodes];
  const fusedNodes = nodes.filter(isFusedAttention);
  const fusedAttention = fusedNodes.map(({ name, opType, domain }) => ({ name, opType, domain }));
  const consumers = readersByTensor(nodes);
  const declared = new Set(model.graph.outputs.map((o) => o.name));
  const castToFloat = hasLowPrecisionFloats(model);
  const outputs: AttentionOutput[] = [];
  const added: string[] = [];
  for (const node of nodes) {
    if (node.opType === 'Softmax' && isStandardDomain(node.domain) && feedsMatMul(node.outputs[0] ?? '', consumers)) {
      const tensor = node.outputs[0]!;
      if (declared.has(tensor) && !castToFloat) {
        outputs.push({ name: tensor, softmaxNode: node.name, alreadyOutput: true });
      } else {
        const name = castToFloat ? builder.toFloat(tensor) : tensor;
        outputs.push({ name, softmaxNode: node.name, alreadyOutput: false, ...(inlined.copied.has(node) ? { fromBranch: inlined.copied.get(node)! } : {}) });
        added.push(name);
      }
    } else if (isFusedAttention(node)) {
      let name: string;
      try {
        name = recomputeAttention(builder, node, model);
      } catch (err) {
        if (err instanceof FusedAttentionError) throw new AttentionNotFoundError(fusedAttention, err.message);
        throw err;
      }
      outputs.push({
        name,
        softmaxNode: node.name,
        alreadyOutput: false,
        fusedOp: `${node.domain ? `${node.domain}.` : ''}${node.opType}`,
        ...(inlined.copied.has(node) ? { fromBranch: inlined.copied.get(node)! } : {}),
      });
      added.push(name);
    }
  }
  if (outputs.length === 0) throw new AttentionNotFoundError(fusedAttention);
  if (added.length === 0) return { modelBytes, outputs, fusedAttention };
  const bytes = appendGraphField(modelBytes, {
    node: builder.nodes,
    initializer: builder.initializers,
    output: added.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
  });
  return { modelBytes: bytes, outputs, fusedAttention };
}

/** The graph input merged decoders branch on; Attention Lens feeds it false (no cache). */
const USE_CACHE_BRANCH = 'use_cache_branch';

/**
 * Merged decoders (Optimum) keep the whole decoder twice, in the branches of an If on the input
 * use_cache_branch, so their Softmax is out of reach of graph outputs. Attention Lens feeds that
 * input false, so the else branch is what runs: a renamed copy of it is appended to the main
 * graph (where outer-scope tensors stay visible), and its Softmax can then be exposed like any
 * other. The If itself still runs, so the model's outputs keep their meaning; the price is
 * computing the decoder twice. Branches holding further subgraphs are not copied.
 */
function inlineStaticBranches(model: OnnxModel, builder: GraphBuilder): { nodes: OnnxNode[]; copied: Map<OnnxNode, string> } {
  const copied = new Map<OnnxNode, string>();
  const nodes: OnnxNode[] = [];
  const fed = new Set(model.graph.inputs.map((i) => i.name));
  if (!fed.has(USE_CACHE_BRANCH) || model.graph.nodes.some((n) => n.opType === 'Softmax' || isFusedAttention(n))) return { nodes, copied };
  for (const [index, node] of model.graph.nodes.entries()) {
    if (node.opType !== 'If' || node.inputs[0] !== USE_CACHE_BRANCH) continue;
    const branch = node.attributes.get('else_branch')?.graph;
    if (!branch) continue;
    const prefix = `${APPENDED_PREFIX}if${index}/`;
    const produced = new Set([...branch.nodes.flatMap((n) => n.outputs), ...branch.initializers.keys()]);
    const rename = (name: string) => (name !== '' && produced.has(name) ? prefix + name : name);
    let raw;
    try {
      raw = branch.nodes.map((n) => ({ ...rawNode(n), name: prefix + n.name, input: n.inputs.map(rename), output: n.outputs.map(rename) }));
    } catch (err) {
      if (err instanceof RawFormError) continue;
      throw err;
    }
    builder.nodes.push(...raw);
    for (const [name, tensor] of branch.initializers) builder.initializers.push(rawTensor(tensor, rename(name)));
    const label = `${node.name || 'If'} (${USE_CACHE_BRANCH} = false)`;
    for (const n of branch.nodes) {
      const copy: OnnxNode = { ...n, name: prefix + n.name, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) };
      nodes.push(copy);
      copied.set(copy, label);
    }
  }
  return { nodes, copied };
}

/** float16 or bfloat16 weights computed with as they are: the attention is then (usually)
 *  computed in that type. Weights cast to float32 on reading do not count (floatWeights.ts). */
function hasLowPrecisionFloats(model: OnnxModel): boolean {
  if (lowPrecisionWeights(model).length > 0) return true;
  return model.graph.inputs.some((i) => i.elemType === DataType.FLOAT16 || i.elemType === DataType.BFLOAT16);
}

/** Follows `tensor` through pass-through ops; true if some path reaches a MatMul. */
function feedsMatMul(tensor: string, consumers: ReadonlyMap<string, OnnxNode[]>): boolean {
  const pending = [tensor];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const consumer of consumers.get(current) ?? []) {
      if (MATMUL_OPS.has(consumer.opType)) return true;
      // Dropout's second output is the mask; only the first carries the probabilities.
      if (PASS_THROUGH_OPS.has(consumer.opType) && consumer.outputs[0]) pending.push(consumer.outputs[0]);
    }
  }
  return false;
}

function isStandardDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

function describeFused(nodes: readonly FusedAttentionNode[]): string {
  const shown = nodes.slice(0, 3).map((n) => `${n.domain}.${n.opType}${n.name ? ` '${n.name}'` : ''}`);
  return nodes.length > 3 ? `${shown.join(', ')} and ${nodes.length - 3} more` : shown.join(', ');
}
