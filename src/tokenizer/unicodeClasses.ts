/** Character classes as the Rust tokenizers library defines them (not as JavaScript's \s and \w do:
 *  JS \s includes U+FEFF and omits U+0085; Rust's char::is_whitespace is the White_Space property). */
export const WHITESPACE = /\p{White_Space}/u;
/** BERT's punctuation: any Unicode P* character plus all ASCII non-alphanumeric printables ($, +, <, ^, `...). */
export const PUNCTUATION_CLASS = '\\p{P}!-\\/:-@\\[-`{-~';
/** BERT's "control" characters that clean_text drops: C* categories except tab, LF and CR. */
export const CONTROL = /^(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
/** Non-spacing marks: what accent stripping removes after NFD. */
export const NONSPACING_MARK = /^\p{Mn}$/u;

/** CJK ideographs that BERT surrounds with spaces (same ranges as the reference implementation). */
export function isChineseChar(codePoint: number): boolean {
  return (
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x20000 && codePoint <= 0x2a6df) ||
    (codePoint >= 0x2a700 && codePoint <= 0x2b73f) ||
    (codePoint >= 0x2b740 && codePoint <= 0x2b81f) ||
    (codePoint >= 0x2b920 && codePoint <= 0x2ceaf) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0x2f800 && codePoint <= 0x2fa1f)
  );
}
