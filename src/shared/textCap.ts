/**
 * How much text a run may send to the inference worker. A token of the bundled byte-level BPE
 * never covers more than 64 UTF-16 units (its longest vocabulary entry is 64 bytes, and a UTF-16
 * unit is at least one byte), so the first `maxTokens` tokens of any text lie within its first
 * `maxTokens * 64` units. Tokenizing a 10 MB file only to keep its first 512 tokens would hold the
 * worker for seconds, so the text is cut before it is sent: at twice that bound, moved back to a
 * line start when one is in reach, so the cut falls far from the tokens that are kept.
 */

/** The most UTF-16 units one token of the bundled tokenizer covers. */
export const MAX_TOKEN_SPAN = 64;

/** Headroom over `maxTokens * MAX_TOKEN_SPAN`: the cut stays clear of the kept tokens. */
const CAP_FACTOR = 2;

export interface CappedText {
  /** The text to tokenize: a prefix of the input. */
  readonly text: string;
  /** True when the input was longer than the cap and `text` is a strict prefix of it. */
  readonly capped: boolean;
}

/** The longest text sent to the worker for `maxTokens` tokens, in UTF-16 units. */
export function textCap(maxTokens: number): number {
  return Math.max(1, Math.floor(maxTokens)) * MAX_TOKEN_SPAN * CAP_FACTOR;
}

/**
 * A prefix of `text` that holds its first `maxTokens` tokens (for tokenizers whose tokens cover
 * at most MAX_TOKEN_SPAN units). The cut goes after the last line break of the prefix's second
 * half when there is one; otherwise at the cap, never between the two halves of a surrogate pair.
 */
export function capAnalysisText(text: string, maxTokens: number): CappedText {
  const cap = textCap(maxTokens);
  if (text.length <= cap) return { text, capped: false };
  let end = cap;
  const lineBreak = text.lastIndexOf('\n', cap - 1);
  if (lineBreak >= cap / 2) end = lineBreak + 1;
  else if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end -= 1;
  return { text: text.slice(0, end), capped: true };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
