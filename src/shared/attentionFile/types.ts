/**
 * The in-memory form of an attention file, whichever form it was read from (docs/FORMAT.md).
 * Everything in it has been checked: shapes agree, weights are finite distributions, offsets fit.
 */

/** Which architecture produced the attention; 'encoder-decoder' files may hold self- or cross-attention. */
export type ModelLayout = 'decoder' | 'encoder' | 'encoder-decoder';

export const MODEL_LAYOUTS: readonly ModelLayout[] = ['decoder', 'encoder', 'encoder-decoder'];

export interface AttentionFileModel {
  readonly name: string;
  /** Undefined when the file does not say. */
  readonly layout: ModelLayout | undefined;
  /** Whether queries attend only to earlier keys (self-attention of a decoder). */
  readonly causal: boolean;
  /** The model's longest input, in tokens, when the file says. */
  readonly context: number | undefined;
}

export interface AttentionFileToken {
  /** The token as the tokenizer names it, or the source slice it covers. */
  readonly text: string;
  /** Vocabulary id, when the file gives one. */
  readonly id: number | undefined;
  /** Added by the tokenizer ([CLS], <s>), not cut from the source. */
  readonly special: boolean;
  /** UTF-16 code unit offsets into the sequence's source text, [start, end); undefined when the file has none. */
  readonly start: number | undefined;
  readonly end: number | undefined;
}

/** Where a token sequence's offsets point: `text` sits at `startOffset` (UTF-16 code units) in `file`. */
export interface AttentionFileSource {
  /** Workspace-relative or absolute path, or a name; undefined when the text has no file. */
  readonly file: string | undefined;
  readonly startOffset: number;
  readonly text: string;
}

export interface TokenSequence {
  readonly tokens: readonly AttentionFileToken[];
  /** Set when the file names the text the tokens came from; required for offsets. */
  readonly source: AttentionFileSource | undefined;
  /** True when every token carries offsets into `source.text`. */
  readonly hasOffsets: boolean;
}

/** Projections of one layer, per head: q and o are [heads, T_q, d], k and v are [heads, T_k, d]. */
export interface LayerParts {
  readonly q?: Float32Array;
  readonly k?: Float32Array;
  readonly v?: Float32Array;
  readonly o?: Float32Array;
  /** Last dimension of q and k (d_k). */
  readonly keyDim: number | undefined;
  /** Last dimension of v and o (d_v). */
  readonly valueDim: number | undefined;
}

export interface AttentionFile {
  /** Which form the file was read from. */
  readonly form: 'json' | 'safetensors';
  readonly model: AttentionFileModel;
  /** 'cross' when keys come from another sequence than queries (encoder-decoder attention). */
  readonly kind: 'self' | 'cross';
  readonly queries: TokenSequence;
  /** The same object as `queries` for self-attention. */
  readonly keys: TokenSequence;
  readonly layers: number;
  readonly heads: number;
  /** T_q and T_k; equal for self-attention. */
  readonly queryCount: number;
  readonly keyCount: number;
  /**
   * Per layer [heads, T_q, T_k] row-major: attention[layer][(head * T_q + query) * T_k + key].
   * Float32 tensors of a binary file may be views on the input buffer (no copy).
   */
  readonly attention: readonly Float32Array[];
  /** Per layer, when the file carries q/k/v/o; undefined otherwise. */
  readonly parts: readonly LayerParts[] | undefined;
}
