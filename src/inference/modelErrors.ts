/** Why a model folder could not be loaded. Every message names the file and what to do about it. */
export type ModelLoadErrorKind =
  /** model.onnx or tokenizer.json is absent or unreadable. */
  | 'missing-file'
  /** The ONNX file is truncated, corrupt or not a model. */
  | 'unreadable-model'
  /** External data that is missing, misplaced or outside the model's folder. */
  | 'external-data'
  /** tokenizer.json cannot be used. */
  | 'tokenizer'
  /** config.json beside the model is not a JSON object. */
  | 'config'
  /** No Softmax attention to show (fused attention operators, or no attention at all). */
  | 'no-attention'
  /** The attention tensors are not [batch, heads, T, T]. */
  | 'attention-shape'
  /** The tokenizer produces ids the model's embedding has no row for. */
  | 'vocabulary'
  /** The model needs an input Attention Lens cannot fill. */
  | 'unsupported-input'
  /** A file above its size cap, or weights that cannot fit onnxruntime-web's 4 GiB heap. */
  | 'too-big'
  /** onnxruntime refused the model (an operator it lacks, for instance). */
  | 'runtime';

export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';

  constructor(readonly kind: ModelLoadErrorKind, message: string) {
    super(message);
  }
}
