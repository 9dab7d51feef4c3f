import { AlignedText } from './alignedText';
import { GPT2_SPLIT, toByteLevel } from './byteLevel';
import { expectArray, expectObject, expectString, optionalBoolean, unsupported, type JsonObject } from './configJson';
import { compilePattern, escapeRegExp } from './pattern';
import { parseSplitBehavior, splitText } from './splitText';
import { PUNCTUATION_CLASS } from './unicodeClasses';

/** Splits normalised text into the words the model tokenizes one by one. */
export type PreTokenize = (text: AlignedText) => AlignedText[];

const WHITESPACE_RUN = /\p{White_Space}+/gu;
const PUNCTUATION_CHAR = new RegExp(`[${PUNCTUATION_CLASS}]`, 'gu');
/** The reference's Whitespace pre-tokenizer, \w+|[^\w\s]+, with Rust's Unicode \w. */
const WORD_OR_SYMBOLS = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;
/** The reference's Digits pre-tokenizer splits on Rust's char::is_numeric: General_Category N (Nd, Nl, No). */
const NUMERIC = /\p{N}/gu;

export function createPreTokenizer(config: unknown, path = 'pre_tokenizer'): PreTokenize {
  if (config === null || config === undefined) return (text) => [text];
  const json = expectObject(config, path);
  const type = expectString(json.type, `${path}.type`);
  switch (type) {
    case 'ByteLevel':
      return byteLevel(json, path);
    case 'BertPreTokenizer':
      return (text) => splitText(text, WHITESPACE_RUN, 'Removed').flatMap((word) => splitText(word, PUNCTUATION_CHAR, 'Isolated'));
    case 'Whitespace':
      return (text) => splitText(text, WORD_OR_SYMBOLS, 'Removed', true);
    case 'WhitespaceSplit':
      return (text) => splitText(text, WHITESPACE_RUN, 'Removed');
    case 'Punctuation': {
      const behavior = parseSplitBehavior(json.behavior, `${path}.behavior`, 'Isolated');
      return (text) => splitText(text, PUNCTUATION_CHAR, behavior);
    }
    case 'Digits': {
      const behavior = optionalBoolean(json.individual_digits, `${path}.individual_digits`, false) ? 'Isolated' : 'Contiguous';
      return (text) => splitText(text, NUMERIC, behavior);
    }
    case 'Split': {
      const pattern = compilePattern(json.pattern, `${path}.pattern`);
      const behavior = parseSplitBehavior(json.behavior, `${path}.behavior`, 'Isolated');
      const invert = optionalBoolean(json.invert, `${path}.invert`, false);
      return (text) => splitText(text, pattern, behavior, invert);
    }
    case 'Metaspace':
      return metaspace(json, path);
    case 'Sequence': {
      const steps = expectArray(json.pretokenizers, `${path}.pretokenizers`).map((step, i) => createPreTokenizer(step, `${path}.pretokenizers[${i}]`));
      return (text) => steps.reduce<AlignedText[]>((words, step) => words.flatMap(step), [text]);
    }
    default:
      throw unsupported(`${path}.type`, `the "${type}" pre-tokenizer`);
  }
}

function byteLevel(json: JsonObject, path: string): PreTokenize {
  const addPrefixSpace = optionalBoolean(json.add_prefix_space, `${path}.add_prefix_space`, true);
  const useRegex = optionalBoolean(json.use_regex, `${path}.use_regex`, true);
  return (input) => {
    const text = addPrefixSpace && !input.text.startsWith(' ') ? AlignedText.concat([AlignedText.inserted(' ', input.sourceStart), input]) : input;
    const words = useRegex ? splitText(text, GPT2_SPLIT, 'Isolated') : [text];
    return words.map(toByteLevel);
  };
}

function metaspace(json: JsonObject, path: string): PreTokenize {
  const replacement = expectString(json.replacement ?? '\u2581', `${path}.replacement`);
  const split = optionalBoolean(json.split, `${path}.split`, true);
  // Older files say add_prefix_space instead of prepend_scheme.
  const scheme =
    json.prepend_scheme === undefined || json.prepend_scheme === null
      ? optionalBoolean(json.add_prefix_space, `${path}.add_prefix_space`, true) ? 'always' : 'never'
      : expectString(json.prepend_scheme, `${path}.prepend_scheme`).toLowerCase();
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') throw unsupported(`${path}.prepend_scheme`, `"${scheme}"`);
  const replacementPattern = new RegExp(escapeRegExp(replacement), 'gu');
  return (input) => {
    let text = input.replaceMatches(/ /g, () => replacement);
    const prepend = scheme === 'always' || (scheme === 'first' && text.sourceStart === 0);
    if (prepend && !text.text.startsWith(replacement)) text = AlignedText.concat([AlignedText.inserted(replacement, text.sourceStart), text]);
    return split ? splitText(text, replacementPattern, 'MergedWithNext') : [text];
  };
}
