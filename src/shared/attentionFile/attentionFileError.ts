/** What is wrong with an attention file; one kind per check, so callers and tests can tell them apart. */
export type AttentionFileErrorKind =
  /** Neither form: not JSON text starting with '{', not a safetensors header. */
  | 'unknown-form'
  /** The file ends before what its header promises (header or tensor data cut short). */
  | 'truncated'
  /** The file, its header or the decoded tensors would exceed a size limit. */
  | 'too-large'
  /** The JSON text (whole file, or the safetensors header) does not parse. */
  | 'json'
  /** A field is missing, of the wrong type, or has a value the format does not allow. */
  | 'schema'
  /** A tensor element type other than F32, F16 or BF16. */
  | 'dtype'
  /** Tensor shapes disagree with each other or with the token lists. */
  | 'shape'
  /** A NaN or an infinity in a tensor. */
  | 'non-finite'
  /** An attention weight below 0 or a row whose weights do not sum to 1. */
  | 'not-a-distribution'
  /** A token's UTF-16 offsets fall outside its source text or split a character. */
  | 'offsets';

/**
 * An attention file that cannot be read. The message names the file (when known), the field or
 * tensor at fault, and what to do about it; no partly read result is ever returned with it.
 */
export class AttentionFileError extends Error {
  override readonly name = 'AttentionFileError';

  constructor(
    readonly kind: AttentionFileErrorKind,
    message: string,
  ) {
    super(message);
  }
}
