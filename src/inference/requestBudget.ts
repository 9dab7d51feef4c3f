/**
 * Keeps runs whose attention tensors would not fit in memory from reaching onnxruntime. A run
 * returns layers x heads x T x T float32 weights (and onnxruntime holds about as much again while
 * it computes them); 32 layers x 32 heads at 8,192 tokens would be 275 GB. AttentionModel cuts a
 * longer text to `maxTokensWithinBudget` tokens (and says so), and refuses with `noTextFits` a
 * model whose attention would not fit even for its special tokens and one more.
 */

/** Bytes of attention weights one run may produce: 1.5 GiB. */
export const ATTENTION_BYTES_BUDGET = 1.5 * 1024 ** 3;

export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
}

export interface ModelSize {
  readonly layers: number;
  readonly heads: number;
  /** Bytes of the model's weights (file plus external data), which share the WebAssembly heap. */
  readonly weightBytes?: number;
}

/** onnxruntime-web's WebAssembly heap: weights, activations and the attention of a run share it. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

/** The attention budget left beside the weights: onnxruntime holds the attention about twice
 *  (computed, then copied out) in what the weights leave of the heap. */
export function attentionBudget(model: ModelSize, budget = ATTENTION_BYTES_BUDGET): number {
  if (model.weightBytes === undefined) return budget;
  return Math.max(0, Math.min(budget, (WASM_HEAP_BYTES - model.weightBytes) / 2));
}

/** Bytes of the attention outputs of one run: layers * heads * T * T float32 values. */
export function attentionBytes(model: ModelSize, tokens: number): number {
  return model.layers * model.heads * tokens * tokens * 4;
}

/** The most tokens a run of `model` may have within `budget`. */
export function maxTokensWithinBudget(model: ModelSize, budget = ATTENTION_BYTES_BUDGET): number {
  budget = attentionBudget(model, budget);
  const perPair = Math.max(1, model.layers) * Math.max(1, model.heads) * 4;
  return Math.floor(Math.sqrt(budget / perPair));
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/**
 * The error for a model whose attention does not fit the budget even for `tokens` tokens (its
 * special tokens and one more): no text or setting can help, only a smaller model.
 */
export function noTextFits(model: ModelSize, tokens: number, budget = ATTENTION_BYTES_BUDGET): RequestTooLargeError {
  const room = attentionBudget(model, budget);
  return new RequestTooLargeError(
    `The attention of ${model.layers} layers x ${model.heads} heads needs about ${gigabytes(attentionBytes(model, tokens))} for even ${tokens} tokens, ` +
      `more than the ${gigabytes(room)} Attention Lens allows${model.weightBytes !== undefined ? ` beside ${gigabytes(model.weightBytes)} of weights` : ''}. Use a smaller model.`,
  );
}
