/**
 * Decides how the attention tensors of a real run are laid out, from their shapes (and, for a
 * head-averaged output, from the graph). The views index attention as [head][query][key]; every
 * layout accepted here already stores its values in that order, so the data is used as it is:
 *
 * - [1, H, T, T]  batch, heads, queries, keys (Hugging Face, the bundled model);
 * - [H, T, T]     batch and heads merged, B = 1 (PyTorch nn.MultiheadAttention's [B·H, T, T]);
 * - [1, T, T], [T, T]  one head (a textbook single-head module), or heads averaged
 *                 (nn.MultiheadAttention with need_weights=True), shown as one head labelled
 *                 "mean of heads".
 *
 * Anything else (two leading dims above 1, keys or queries not T) is refused with the shape found.
 */
import { ModelLoadError } from './modelErrors';

export interface AttentionTensor {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
}

/** How one layer's attention tensor maps onto [heads, T, T]. */
export type AttentionLayout = 'batch-heads' | 'merged-heads' | 'one-head' | 'mean-of-heads';

export interface AttentionLayoutResult {
  /** Heads shown per layer (1 for one head or a mean of heads). */
  readonly heads: number;
  /** The layout of the first layer; every layer has the same head count. */
  readonly layout: AttentionLayout;
}

/** Element types the worker can turn into float32 for the views. */
const FLOAT_TYPES = new Set(['float32', 'float16', 'float64']);

/** Words for the model summary: how the attention was laid out. */
export function describeLayout(layout: AttentionLayout): string | undefined {
  switch (layout) {
    case 'merged-heads':
      return 'attention [batch·heads, T, T]';
    case 'one-head':
      return 'one attention head';
    case 'mean-of-heads':
      return 'attention averaged over heads (shown as one head, "mean of heads")';
    default:
      return undefined;
  }
}

/**
 * Heads per layer and layout of `tensors`, the attention of a run over `tokens` tokens.
 * `averaged` names the tensors the graph computes as a mean over heads (see modelGraph.ts).
 * Throws ModelLoadError('attention-shape') naming the first tensor that does not fit, with its shape.
 */
export function layoutFromShapes(
  tensors: readonly AttentionTensor[],
  tokens: number,
  file: string,
  averaged: ReadonlySet<string> = new Set(),
): AttentionLayoutResult {
  let result: AttentionLayoutResult | undefined;
  for (const { name, type, dims } of tensors) {
    if (!FLOAT_TYPES.has(type)) {
      throw new ModelLoadError('attention-shape', `${file}: the attention tensor "${name}" is ${type}; Attention Lens reads float tensors. Export the attention as float32 or float16.`);
    }
    const layer = layerLayout(name, dims, tokens, file, averaged.has(name));
    if (result !== undefined && layer.heads !== result.heads) {
      throw new ModelLoadError('attention-shape', `${file}: layers have different head counts (${result.heads} and ${layer.heads} in "${name}"); Attention Lens needs the same count in every layer.`);
    }
    result ??= layer;
  }
  return result ?? { heads: 0, layout: 'batch-heads' };
}

function layerLayout(name: string, dims: readonly number[], tokens: number, file: string, averaged: boolean): AttentionLayoutResult {
  const shape = `[${dims.join(', ')}]`;
  const refuse = (why: string) =>
    new ModelLoadError(
      'attention-shape',
      `${file}: the attention tensor "${name}" has shape ${shape} for ${tokens} tokens; ${why} Attention Lens reads ` +
        `[1, heads, ${tokens}, ${tokens}], [heads, ${tokens}, ${tokens}] or [${tokens}, ${tokens}]. ` +
        'Export the model with attention computed per head as [batch, heads, T, T].',
    );
  if (dims.length < 2 || dims.length > 4) throw refuse(`a rank of ${dims.length} is not an attention matrix.`);
  if (dims.at(-1) !== tokens || dims.at(-2) !== tokens) throw refuse(`its last two sizes are not queries × keys (${tokens} × ${tokens}).`);
  const leading = dims.slice(0, -2);
  const above1 = leading.filter((d) => d !== 1);
  if (above1.length > 1) throw refuse(`more than one leading size is above 1 with a batch of one, so the head axis is ambiguous.`);
  const heads = above1[0] ?? 1;
  if (heads < 1) throw refuse('it holds no heads.');
  if (heads > 1) return { heads, layout: dims.length === 4 ? 'batch-heads' : 'merged-heads' };
  if (averaged) return { heads: 1, layout: 'mean-of-heads' };
  return { heads: 1, layout: dims.length === 4 ? 'batch-heads' : 'one-head' };
}
