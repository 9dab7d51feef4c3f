import { AlignedText } from './alignedText';
import { toByteLevel } from './byteLevel';
import { expectArray, expectObject, expectString, optionalBoolean, unsupported, type JsonObject } from './configJson';
import { CONTROL, isChineseChar, NONSPACING_MARK, WHITESPACE } from './unicodeClasses';
import { compilePattern } from './pattern';

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
      return (text) => text.replaceMatches(pattern, () => content);
    }
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

/** A base character with the combining marks that follow it: Unicode normalisation never reorders
 *  or composes across such clusters (except rare starter-starter compositions like Hangul jamo). */
const MARK_CLUSTER = /\P{M}?\p{M}+/gu;

/**
 * Unicode normalisation with alignment. Each code point is normalised on its own (exact for the
 * vast majority of text, and each output unit then maps to the character it came from). A cluster
 * of base + combining marks whose normalisation differs from the per-code-point result (reordered
 * or composed marks) maps as a whole to the cluster's source range.
 */
function unicodeNormalize(text: AlignedText, form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): AlignedText {
  const normalizeCodePoint = (c: string): string => c.normalize(form);
  const parts: AlignedText[] = [];
  let last = 0;
  for (const match of text.text.matchAll(MARK_CLUSTER)) {
    const from = match.index;
    const to = from + match[0].length;
    parts.push(text.slice(last, from).mapCodePoints(normalizeCodePoint));
    const cluster = text.slice(from, to);
    const whole = match[0].normalize(form);
    const perCodePoint = cluster.mapCodePoints(normalizeCodePoint);
    parts.push(perCodePoint.text === whole ? perCodePoint : cluster.replaceMatches(WHOLE_TEXT, () => whole));
    last = to;
  }
  parts.push(text.slice(last, text.length).mapCodePoints(normalizeCodePoint));
  return AlignedText.concat(parts);
}

const WHOLE_TEXT = /[^]+/g;
