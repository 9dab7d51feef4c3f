import { AlignedText } from './alignedText';
import { codePointWidth } from '../shared/utf16';
import { TokenizerError } from './tokenizerError';

/**
 * SentencePiece's precompiled charsmap (the `Precompiled` normalizer of XLM-R, T5, mT5, ALBERT):
 * a double-array trie (darts-clone layout) from UTF-8 byte strings to offsets into a blob of
 * NUL-terminated replacement strings. Format, as the reference's spm_precompiled reads it:
 * u32 LE trie size in bytes, the trie's u32 LE units, then the replacement blob.
 *
 * Normalisation follows the reference: per grapheme cluster, the whole cluster is looked up when
 * it is under 6 UTF-8 bytes; otherwise (or when absent) each character is looked up on its own.
 * A lookup takes the first (shortest) prefix entry found for the chunk, as the reference does.
 * Replacements keep the source range of the cluster or character they replace.
 */
export function createPrecompiled(charsmapBase64: string, path: string): (text: AlignedText) => AlignedText {
  const bytes = Buffer.from(charsmapBase64, 'base64');
  if (bytes.length < 4) throw new TokenizerError(`tokenizer.json is malformed: ${path}.precompiled_charsmap is too short to be a SentencePiece charsmap.`);
  const trieSize = bytes.readUInt32LE(0);
  if (trieSize % 4 !== 0 || 4 + trieSize > bytes.length) {
    throw new TokenizerError(`tokenizer.json is malformed: ${path}.precompiled_charsmap declares a ${trieSize}-byte trie in ${bytes.length} bytes.`);
  }
  const units = new Uint32Array(trieSize / 4);
  for (let i = 0; i < units.length; i++) units[i] = bytes.readUInt32LE(4 + 4 * i);
  const blob = bytes.subarray(4 + trieSize);
  const cache = new Map<string, string | null>();

  /** The replacement of `chunk`, or undefined when the charsmap has none. */
  function transform(chunk: string): string | undefined {
    const cached = cache.get(chunk);
    if (cached !== undefined) return cached ?? undefined;
    const value = firstPrefixValue(units, Buffer.from(chunk, 'utf8'));
    let result: string | null = null;
    if (value !== undefined && value < blob.length) {
      let end = value;
      while (end < blob.length && blob[end] !== 0) end++;
      result = blob.subarray(value, end).toString('utf8');
    }
    if (cache.size < 65_536) cache.set(chunk, result);
    return result ?? undefined;
  }

  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  return (text) => {
    let output = '';
    const starts: number[] = [];
    const ends: number[] = [];
    const push = (piece: string, from: number, to: number): void => {
      output += piece;
      for (let k = 0; k < piece.length; k++) {
        starts.push(text.starts[from]);
        ends.push(text.ends[to - 1]);
      }
    };
    for (const { segment, index } of segmenter.segment(text.text)) {
      if (Buffer.byteLength(segment, 'utf8') < 6) {
        const whole = transform(segment);
        if (whole !== undefined) {
          push(whole, index, index + segment.length);
          continue;
        }
      }
      for (let i = 0; i < segment.length; ) {
        const width = codePointWidth(segment, i);
        const character = segment.slice(i, i + width);
        push(transform(character) ?? character, index + i, index + i + width);
        i += width;
      }
    }
    return AlignedText.fromParts(output, starts, ends, text.sourceStart);
  };
}

/** darts-clone's common-prefix search, stopped at the first entry: its value, or undefined. */
function firstPrefixValue(units: Uint32Array, key: Uint8Array): number | undefined {
  if (units.length === 0) return undefined;
  let position = offsetOf(units[0]);
  for (const byte of key) {
    position ^= byte;
    if (position >= units.length) return undefined;
    const unit = units[position];
    if ((unit & 0x800000ff) !== byte) return undefined;
    position ^= offsetOf(unit);
    if ((unit >>> 8) & 1) return position < units.length ? units[position] & 0x7fffffff : undefined;
  }
  return undefined;
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
