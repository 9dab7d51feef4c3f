import { AlignedText } from './alignedText';

/**
 * GPT-2's byte-to-character table: every byte gets a printable character, so that byte-level BPE
 * vocabularies are ordinary strings. All 256 characters are in the BMP (one UTF-16 unit each).
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const table = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCharCode(printable(byte) ? byte : 256 + shifted++);
  }
  return table;
})();

/** GPT-2's pre-tokenization regex, with \s spelled as the White_Space property the reference uses. */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * Replaces each character by the table characters of its UTF-8 bytes. Every byte inherits the
 * source range of its whole character, so a token holding only some of a character's bytes maps to
 * that character; the tokenizer then gives the whole character to the last token that touches it.
 * Expects well-formed text (the tokenizer replaces lone surrogates first).
 */
export function toByteLevel(text: AlignedText): AlignedText {
  return text.mapCodePoints(byteCharacters);
}

/** Byte-level form of each character seen so far; source text uses few distinct characters. */
const byteCharactersCache = new Map<string, string>();

function byteCharacters(character: string): string {
  let mapped = byteCharactersCache.get(character);
  if (mapped === undefined) {
    mapped = utf8Bytes(character.codePointAt(0) ?? 0).map((byte) => BYTE_TO_CHAR[byte]).join('');
    if (byteCharactersCache.size < 65_536) byteCharactersCache.set(character, mapped);
  }
  return mapped;
}

/** UTF-8 bytes of one code point. */
export function utf8Bytes(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint];
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f)];
  if (codePoint < 0x10000) return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)];
  return [0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)];
}
