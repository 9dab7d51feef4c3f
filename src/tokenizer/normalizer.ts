import { AlignedText } from './alignedText';
import { codePointWidth } from '../shared/utf16';
import { toByteLevel } from './byteLevel';
import { expectArray, expectObject, expectString, optionalBoolean, unsupported, type JsonObject } from './configJson';
import { CONTROL, isChineseChar, NONSPACING_MARK, WHITESPACE } from './unicodeClasses';
import { compilePattern } from './pattern';
import { createPrecompiled } from './precompiled';
import { TokenizerError } from './tokenizerError';

/** Most a Replace normalizer may grow the text (×); real ones replace a character by one or two. */
const MAX_EXPANSION = 8;

/** A tokenizer.json normalizer that keeps each output unit aligned to the source text. */
export type Normalize = (text: AlignedText) => AlignedText;

export function createNormalizer(config: unknown, path = 'normalizer'): Normalize | undefined {
  if (config === null || config === undefined) return undefined;
  const json = expectObject(config, path);
  const type = expectString(json.type, `${path}.type`);
  switch (type) {
    case 'BertNormalizer':
      return bertNormalizer(json, path);
    case 'Lowercase':
      return lowercase;
    case 'ByteLevel':
      return toByteLevel;
    case 'StripAccents':
      return stripAccents;
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return (text) => unicodeNormalize(text, type);
    case 'Strip':
      return stripWhitespace(optionalBoolean(json.strip_left, `${path}.strip_left`, true), optionalBoolean(json.strip_right, `${path}.strip_right`, true));
    case 'Prepend': {
      const prefix = expectString(json.prepend, `${path}.prepend`);
      return (text) => (text.length === 0 ? text : AlignedText.concat([AlignedText.inserted(prefix, text.sourceStart), text]));
    }
    case 'Replace': {
      const pattern = compilePattern(json.pattern, `${path}.pattern`);
      const content = expectString(json.content, `${path}.content`);
      return (text) => {
        // The output's length is known from the matches: check it before building it.
        let length = text.length;
        for (const match of text.text.matchAll(pattern)) length += content.length - match[0].length;
        if (length > MAX_EXPANSION * text.length + 1024) {
          throw new TokenizerError(
            `${path} (Replace) would turn ${text.length} characters into ${length}, more than ${MAX_EXPANSION} times the text: ` +
              'the tokenizer would run out of memory on real files. Fix the pattern or the replacement in tokenizer.json.',
          );
        }
        return text.replaceMatches(pattern, () => content);
      };
    }
    case 'Precompiled':
      return createPrecompiled(expectString(json.precompiled_charsmap, `${path}.precompiled_charsmap`), path);
    case 'Sequence': {
      const steps = expectArray(json.normalizers, `${path}.normalizers`).map((step, i) => createNormalizer(step, `${path}.normalizers[${i}]`));
      return (text) => steps.reduce((current, step) => (step ? step(current) : current), text);
    }
    default:
      throw unsupported(`${path}.type`, `the "${type}" normalizer`);
  }
}

function bertNormalizer(json: JsonObject, path: string): Normalize {
  const cleanText = optionalBoolean(json.clean_text, `${path}.clean_text`, true);
  const handleChineseChars = optionalBoolean(json.handle_chinese_chars, `${path}.handle_chinese_chars`, true);
  const lowercaseText = optionalBoolean(json.lowercase, `${path}.lowercase`, true);
  // As in the reference: strip_accents left unset follows lowercase.
  const strip = optionalBoolean(json.strip_accents, `${path}.strip_accents`, lowercaseText);
  return (input) => {
    let text = input;
    if (cleanText) {
      text = text.mapCodePoints((c) => (c === '\0' || c === '\ufffd' || CONTROL.test(c) ? '' : WHITESPACE.test(c) ? ' ' : c));
    }
    if (handleChineseChars) text = text.mapCodePoints((c) => (isChineseChar(c.codePointAt(0) ?? 0) ? ` ${c} ` : c));
    if (strip) text = stripAccents(unicodeNormalize(text, 'NFD'));
    if (lowercaseText) text = lowercase(text);
    return text;
  };
}

/** Per code point, like Rust's char::to_lowercase (so no context-dependent final sigma). */
function lowercase(text: AlignedText): AlignedText {
  return text.mapCodePoints((c) => c.toLowerCase());
}

function stripAccents(text: AlignedText): AlignedText {
  return text.mapCodePoints((c) => (NONSPACING_MARK.test(c) ? '' : c));
}

function stripWhitespace(left: boolean, right: boolean): Normalize {
  return (text) => {
    let from = 0;
    let to = text.length;
    if (left) while (from < to && WHITESPACE.test(text.text[from])) from++;
    if (right) while (to > from && WHITESPACE.test(text.text[to - 1])) to--;
    return from === 0 && to === text.length ? text : text.slice(from, to);
  };
}

/** Code points that can join the character before them in normalisation: marks (non-starters
 *  and composing vowel signs) and Hangul medial vowels / final consonants (conjoining jamo). */
const JOINS_PREVIOUS = /^[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]/u;
/** Longest stretch normalised as one piece: Unicode's stream-safe limit (30 non-starters) and some. */
const MAX_SEGMENT = 32;

/**
 * Unicode normalisation of the whole string, with alignment. The text is cut into segments that
 * normalise independently: a cut goes before a code point unless it can join the one before (a
 * mark, a conjoining jamo) or normalising the two together differs from normalising them apart
 * (e.g. U+1100 U+1161 → 가). A segment whose characters compose maps as a whole to its source
 * range; otherwise each code point's output maps to that code point. Segments are at most
 * MAX_SEGMENT code points, so the work stays linear.
 */
function unicodeNormalize(text: AlignedText, form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): AlignedText {
  const source = text.text;
  let output = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let segmentFrom = 0;
  let segmentLength = 0; // code points
  const push = (normalized: string, start: number, end: number): void => {
    output += normalized;
    for (let k = 0; k < normalized.length; k++) {
      starts.push(start);
      ends.push(end);
    }
  };
  const flush = (to: number): void => {
    if (to <= segmentFrom) return;
    const normalized = source.slice(segmentFrom, to).normalize(form);
    // Where the segment normalises code point by code point (decomposition, a mark that NFD
    // keeps or accent stripping later removes), each output keeps its own code point's range.
    let perCodePoint = '';
    for (let k = segmentFrom; k < to; k += codePointWidth(source, k)) perCodePoint += source.slice(k, k + codePointWidth(source, k)).normalize(form);
    if (perCodePoint === normalized) {
      for (let k = segmentFrom; k < to; ) {
        const width = codePointWidth(source, k);
        push(source.slice(k, k + width).normalize(form), text.starts[k], text.ends[k + width - 1]);
        k += width;
      }
    } else push(normalized, text.starts[segmentFrom], text.ends[to - 1]);
  };
  for (let i = 0; i < source.length; ) {
    const width = codePointWidth(source, i);
    const code = source.charCodeAt(i);
    let cut = segmentLength === 0 || segmentLength >= MAX_SEGMENT;
    if (!cut && code >= 0x80 && !JOINS_PREVIOUS.test(source.slice(i, i + width))) {
      const segment = source.slice(segmentFrom, i);
      const character = source.slice(i, i + width);
      cut = (segment + character).normalize(form) === segment.normalize(form) + character.normalize(form);
    } else if (!cut && code < 0x80) {
      cut = true; // ASCII never joins what comes before it
    }
    if (cut) {
      flush(i);
      segmentFrom = i;
      segmentLength = 0;
    }
    segmentLength++;
    i += width;
  }
  flush(source.length);
  return AlignedText.fromParts(output, starts, ends, text.sourceStart);
}
