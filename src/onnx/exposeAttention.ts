/**
 * Graph surgery for models this project did not export: make each attention-probability tensor
 * (a Softmax output that is multiplied with V) a graph output, so one run returns the attention.
 *
 * The original bytes are left untouched; a second graph field holding only the extra outputs is
 * appended (appendGraph.ts). No full re-encode, so fields this reader does not know survive, and
 * it is fast on large models.
 */
import { appendGraphField } from './appendGraph';
import { DataType } from './onnxSchema';
import { readOnnxModel, type OnnxModel, type OnnxNode } from './readModel';

/** Ops an attention Softmax may pass through on its way to the MatMul with V. */
const PASS_THROUGH_OPS = new Set(['Cast', 'Dropout', 'Identity']);
/** Contrib ops that compute attention internally, with no Softmax output to expose. */
const FUSED_ATTENTION_OPS = new Set(['Attention', 'MultiHeadAttention', 'PackedAttention', 'PackedMultiHeadAttention', 'GroupQueryAttention']);

export interface AttentionOutput {
  /** Tensor name, usable as a fetch name: [batch, heads, queries, keys] for usual models. */
  readonly name: string;
  /** Name of the Softmax node producing it ('' when the file leaves nodes unnamed). */
  readonly softmaxNode: string;
  /** True when the model already declared it as an output (nothing had to be added). */
  readonly alreadyOutput: boolean;
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
  /** Fused attention ops found; their attention cannot be exposed this way. */
  readonly fusedAttention: readonly FusedAttentionNode[];
}

/** No attention Softmax was found; `fusedAttention` says whether fused ops are the reason. */
export class AttentionNotFoundError extends Error {
  override readonly name = 'AttentionNotFoundError';

  constructor(readonly fusedAttention: readonly FusedAttentionNode[]) {
    super(
      fusedAttention.length > 0
        ? `The model computes attention inside fused operators (${describeFused(fusedAttention)}), ` +
            'which do not expose attention weights. Export the model without attention fusion (plain MatMul/Softmax).'
        : 'No attention found: the model has no Softmax whose output is multiplied (MatMul) with values.',
    );
  }
}

/** Declares every attention Softmax output of `modelBytes` as a graph output. Throws OnnxFormatError
 *  for unreadable bytes and AttentionNotFoundError when there is nothing to expose. */
export function exposeAttention(modelBytes: Uint8Array, model: OnnxModel = readOnnxModel(modelBytes)): ExposedAttention {
  const nodes = model.graph.nodes;
  const fusedAttention = nodes
    .filter((n) => n.domain === 'com.microsoft' && FUSED_ATTENTION_OPS.has(n.opType))
    .map(({ name, opType, domain }) => ({ name, opType, domain }));
  const consumers = consumersByTensor(nodes);
  const declared = new Set(model.graph.outputs.map((o) => o.name));
  const outputs = nodes
    .filter((n) => n.opType === 'Softmax' && isStandardDomain(n.domain) && feedsMatMul(n.outputs[0] ?? '', consumers))
    .map((n) => ({ name: n.outputs[0]!, softmaxNode: n.name, alreadyOutput: declared.has(n.outputs[0]!) }));
  if (outputs.length === 0) throw new AttentionNotFoundError(fusedAttention);

  const missing = outputs.filter((o) => !o.alreadyOutput).map((o) => o.name);
  return { modelBytes: missing.length > 0 ? appendGraphOutputs(modelBytes, missing) : modelBytes, outputs, fusedAttention };
}

/** Declares `names` as float graph outputs without a shape (the runtime infers it). */
function appendGraphOutputs(modelBytes: Uint8Array, names: readonly string[]): Uint8Array {
  return appendGraphField(modelBytes, {
    output: names.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
  });
}

function consumersByTensor(nodes: readonly OnnxNode[]): Map<string, OnnxNode[]> {
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      if (input === '') continue;
      const list = consumers.get(input) ?? [];
      list.push(node);
      consumers.set(input, list);
    }
  }
  return consumers;
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
      if (consumer.opType === 'MatMul') return true;
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
