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

/** Throws UnexpectedOutputError naming the first layer whose attention cannot be shown. */
export function checkInferenceOutput(output: InferenceOutput, info: Pick<ModelInfo, 'name' | 'layers' | 'heads'>): void {
  const size = output.tokens.length;
  if (size === 0) return;
  const fail = (detail: string) =>
    new UnexpectedOutputError(`The model ${info.name} returned attention Attention Lens cannot show: ${detail}. Check the model file, or export it again in float32.`);
  if (output.attention.length !== info.layers) throw fail(`${output.attention.length} attention tensors for ${info.layers} layers`);
  const expected = info.heads * size * size;
  for (const [layer, weights] of output.attention.entries()) {
    if (weights.length !== expected) throw fail(`layer ${layer} holds ${weights.length} weights, not ${info.heads} x ${size} x ${size}`);
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      // Written so that NaN fails too.
      if (!(w >= -TOLERANCE && w <= 1 + TOLERANCE)) throw fail(`layer ${layer} has the weight ${w}, which is not a probability`);
    }
  }
}
