/**
 * Size limits checked before anything is allocated, so a hostile or damaged file costs at most
 * these many bytes. Defaults fit a 7B-class model's full attention over a few thousand tokens in
 * float16 and stay well inside the extension host's memory.
 */
export interface AttentionFileLimits {
  /** Largest binary (safetensors) file accepted, in bytes. */
  readonly maxFileBytes: number;
  /** Largest JSON file accepted, in bytes (JSON.parse needs several times this in memory). */
  readonly maxJsonBytes: number;
  /** Largest safetensors JSON header, in bytes. */
  readonly maxHeaderBytes: number;
  /** Most tokens in one sequence (queries or keys). */
  readonly maxTokens: number;
  /** Most layers. */
  readonly maxLayers: number;
  /** Most heads per layer. */
  readonly maxHeads: number;
  /**
   * Most bytes the reader allocates for tensors: float16/bfloat16 decoding, JSON arrays turned
   * into Float32Array, copies of misaligned float32 data. Views on the input buffer cost nothing.
   */
  readonly maxDecodedBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: AttentionFileLimits = {
  maxFileBytes: 2048 * MiB,
  maxJsonBytes: 256 * MiB,
  maxHeaderBytes: 16 * MiB,
  maxTokens: 65_536,
  maxLayers: 1024,
  maxHeads: 1024,
  maxDecodedBytes: 2048 * MiB,
};

/**
 * |sum of a row - 1| allowed for attention rows. Generous enough for weights computed or stored in
 * bfloat16 (8-bit significand: each weight rounded by up to 2^-9 of itself, so a row by up to about
 * 2e-3, more when the softmax itself ran in bfloat16); tight enough to catch logits, unnormalized
 * scores or a transposed (key-major) matrix.
 */
export const ROW_SUM_TOLERANCE = 1e-2;

export function withDefaults(limits: Partial<AttentionFileLimits> | undefined): AttentionFileLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}
