/**
 * Checks a model's output before it leaves the worker: the views index the attention as
 * [layer][head][query][key] and colour it as probabilities, so a tensor of the wrong size, NaN or
 * Infinity (a corrupt weight file, an fp16 overflow) or values outside [0, 1] are refused with a
 * message instead of being drawn.
 */
import type { InferenceOutput, ModelInfo } from './runTypes';

export class UnexpectedOutputError extends Error {
  override readonly name = 'UnexpectedOutputError';
}

/** Softmax outputs are in [0, 1]; float rounding may overshoot 1 by a little. */
const TOLERANCE = 1e-3;

type CheckedInfo = Pick<ModelInfo, 'name' | 'layers' | 'heads'>;

function failure(info: CheckedInfo, detail: string): UnexpectedOutputError {
  return new UnexpectedOutputError(`The model ${info.name} returned attention Attention Lens cannot show: ${detail}. Check the model file, or export it again in float32.`);
}

/** Throws UnexpectedOutputError naming the first layer whose attention cannot be shown. */
export function checkInferenceOutput(output: InferenceOutput, info: CheckedInfo): void {
  const size = output.tokens.length;
  if (size === 0) return;
  if (output.attention.length !== info.layers) throw failure(info, `${output.attention.length} attention tensors for ${info.layers} layers`);
  for (const [layer, weights] of output.attention.entries()) checkLayerAttention(layer, weights, size, info);
}

/**
 * Throws UnexpectedOutputError when layer `layer`'s weights are not [heads, size, size]
 * probabilities: checked one layer at a time for a run whose layers leave the worker one by one.
 */
export function checkLayerAttention(layer: number, weights: Float32Array, size: number, info: CheckedInfo): void {
  const expected = info.heads * size * size;
  if (weights.length !== expected) throw failure(info, `layer ${layer} holds ${weights.length} weights, not ${info.heads} x ${size} x ${size}`);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    // Written so that NaN fails too.
    if (!(w >= -TOLERANCE && w <= 1 + TOLERANCE)) throw failure(info, `layer ${layer} has the weight ${w}, which is not a probability`);
  }
}
