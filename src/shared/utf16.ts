/**
 * UTF-16 code-unit rules that every layer shares: JavaScript strings, VS Code offsets and
 * tokenizer ranges all count UTF-16 code units, and a cut or range must never fall between the
 * two halves of a surrogate pair (Unicode 15, §3.9 D91).
 */

/** True for a high (leading) surrogate, U+D800–U+DBFF. */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** True for a low (trailing) surrogate, U+DC00–U+DFFF. */
export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True when `offset` (UTF-16 units) falls between the two halves of a well-formed surrogate pair in `text`. */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset));
}

/** 2 for a well-formed surrogate pair at `index`, otherwise 1 (a lone surrogate counts as one unit). */
export function codePointWidth(text: string, index: number): 1 | 2 {
  return isHighSurrogate(text.charCodeAt(index)) && index + 1 < text.length && isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 1;
}
