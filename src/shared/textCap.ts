/**
 * How much text a run tokenizes. Tokenizing a 10 MB file only to keep its first 512 tokens would
 * hold the worker for seconds, so text is cut twice:
 *
 * 1. The extension host sends at most `sendCap(maxTokens)` UTF-16 units to the worker (a bound
 *    that leaves 1,024 units per token, so copying the text between threads stays cheap).
 * 2. The worker, which knows the tokenizer, encodes the shortest prefix that holds the
 *    first `maxTokens` tokens for that tokenizer (`encodePrefix`), starting from
 *    `maxTokens * 128` units and doubling. A token of the bundled byte-level BPE never covers more
 *    than 64 units (its longest vocabulary entry is 64 bytes, and a UTF-16 unit is at least one
 *    byte), so for it the first try always suffices; WordPiece's whole-word `[UNK]` (up to 100
 *    characters) or a long Unigram unknown run simply takes another doubling.
 *
 * Every cut is moved back to a line start when one is in its second half, and never falls between
 * the two halves of a surrogate pair.
 */
import { isHighSurrogate, isLowSurrogate } from './utf16';

/** The most UTF-16 units one token of the bundled tokenizer covers. */
export const MAX_TOKEN_SPAN = 64;

/** Headroom over `maxTokens * MAX_TOKEN_SPAN`: the cut stays clear of the kept tokens. */
const CAP_FACTOR = 2;

/** UTF-16 units per token the host sends at most: 16 times the bundled tokenizer's bound. */
const SEND_SPAN = 1024;

export interface CappedText {
  /** The text to tokenize: a prefix of the input. */
  readonly text: string;
  /** True when the input was longer than the cap and `text` is a strict prefix of it. */
  readonly capped: boolean;
}

/** The first prefix the worker tokenizes for `maxTokens` tokens, in UTF-16 units. */
export function textCap(maxTokens: number): number {
  return Math.max(1, Math.floor(maxTokens)) * MAX_TOKEN_SPAN * CAP_FACTOR;
}

/** The longest text the host sends to the worker for `maxTokens` tokens, in UTF-16 units. */
export function sendCap(maxTokens: number): number {
  return Math.max(1, Math.floor(maxTokens)) * SEND_SPAN;
}

/**
 * A prefix of `text` at most `cap` units long (default `textCap(maxTokens)`). The cut goes after
 * the last line break of the prefix's second half when there is one; otherwise at the cap, never
 * between the two halves of a surrogate pair.
 */
export function capAnalysisText(text: string, maxTokens: number, cap = textCap(maxTokens)): CappedText {
  if (text.length <= cap) return { text, capped: false };
  let end = cap;
  const lineBreak = text.lastIndexOf('\n', cap - 1);
  if (lineBreak >= cap / 2) end = lineBreak + 1;
  else if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end -= 1;
  return { text: text.slice(0, end), capped: true };
}

/** A token as `encodePrefix` needs it: its source range in UTF-16 units, and whether it is special. */
export interface PrefixToken {
  readonly end: number;
  readonly special: boolean;
}

/**
 * Encodes the shortest prefix of `text` (from `textCap(maxTokens)` units, doubling) in which the
 * first `maxTokens` text tokens end within the first half of the prefix: a tokenizer's word
 * boundaries then lie between the kept tokens and the cut, so the kept tokens are those of the
 * whole text. Returns every token of that prefix (the caller truncates) and whether the text was
 * cut. Work is at most about twice that of tokenizing the final prefix.
 */
export function encodePrefix<T extends PrefixToken>(text: string, maxTokens: number, encode: (text: string) => T[]): { tokens: T[]; capped: boolean } {
  for (let cap = textCap(maxTokens); ; cap *= 2) {
    const cut = capAnalysisText(text, maxTokens, cap);
    const tokens = encode(cut.text);
    if (!cut.capped) return { tokens, capped: false };
    const kept = tokens.filter((token) => !token.special);
    const last = kept[Math.min(kept.length, Math.max(1, Math.floor(maxTokens))) - 1];
    if (kept.length >= maxTokens && last !== undefined && last.end <= cut.text.length / 2) return { tokens, capped: true };
  }
}
