/**
 * Checks the attention tensors of a real run: one float32 [1, heads, T, T] per layer, the same
 * head count in every layer. Exposed Softmax outputs of some exports are laid out otherwise
 * (batch and heads merged into [B*H, T, T], for instance), which the views cannot show.
 */
import { ModelLoadError } from './modelErrors';

export interface AttentionTensor {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
}

/** The head count; throws ModelLoadError('attention-shape') naming the first tensor that does not fit. */
export function headsFromShapes(tensors: readonly AttentionTensor[], tokens: number, file: string): number {
  let heads: number | undefined;
  for (const { name, type, dims } of tensors) {
    const fits = dims.length === 4 && dims[0] === 1 && dims[1] > 0 && dims[2] === tokens && dims[3] === tokens;
    if (!fits) {
      throw new ModelLoadError(
        'attention-shape',
        `${file}: the attention tensor "${name}" has shape [${dims.join(', ')}] for ${tokens} tokens; Attention Lens needs ` +
          `[1, heads, ${tokens}, ${tokens}]. Export the model with attention computed per head as [batch, heads, T, T].`,
      );
    }
    if (type !== 'float32') {
      throw new ModelLoadError('attention-shape', `${file}: the attention tensor "${name}" is ${type}; Attention Lens reads float32. Export the model in float32.`);
    }
    if (heads !== undefined && dims[1] !== heads) {
      throw new ModelLoadError('attention-shape', `${file}: layers have different head counts (${heads} and ${dims[1]} in "${name}"); Attention Lens needs the same count in every layer.`);
    }
    heads = dims[1];
  }
  return heads ?? 0;
}
