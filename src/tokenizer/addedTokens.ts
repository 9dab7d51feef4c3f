import { expectArray, expectObject, expectString, expectTokenId, optionalBoolean } from './configJson';
import { escapeRegExp } from './pattern';

/** An entry of tokenizer.json's added_tokens: text matched before the model runs, e.g. [SEP] or <|endoftext|>. */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly singleWord: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  /** Matched in the normalised text rather than the raw text. */
  readonly normalized: boolean;
}

/** A stretch of text: either one added token, or plain text for the normaliser/pre-tokenizer/model. */
export interface TextSpan {
  readonly from: number;
  readonly to: number;
  readonly addedTokenId?: number;
}

export function parseAddedTokens(config: unknown): AddedToken[] {
  if (config === undefined || config === null) return [];
  return expectArray(config, 'added_tokens').map((entry, i) => {
    const path = `added_tokens[${i}]`;
    const json = expectObject(entry, path);
    const special = optionalBoolean(json.special, `${path}.special`, false);
    return {
      id: expectTokenId(json.id, `${path}.id`),
      content: expectString(json.content, `${path}.content`),
      singleWord: optionalBoolean(json.single_word, `${path}.single_word`, false),
      lstrip: optionalBoolean(json.lstrip, `${path}.lstrip`, false),
      rstrip: optionalBoolean(json.rstrip, `${path}.rstrip`, false),
      normalized: optionalBoolean(json.normalized, `${path}.normalized`, !special),
    };
  });
}

const WORD_CHAR_BEFORE = /[\p{Alphabetic}\p{Nd}\p{M}\p{Pc}\p{Join_Control}]$/u;
const WORD_CHAR_AFTER = /^[\p{Alphabetic}\p{Nd}\p{M}\p{Pc}\p{Join_Control}]/u;
const WHITESPACE_UNIT = /\p{White_Space}/u;

/** Whether the code unit at `index` is whitespace (every White_Space character is one UTF-16 unit). */
function isWhitespaceAt(text: string, index: number): boolean {
  return WHITESPACE_UNIT.test(text[index]);
}

/**
 * Finds added tokens in text the way the reference does: leftmost-longest matches, honouring
 * single_word (only between non-word characters) and lstrip/rstrip (absorb adjacent whitespace).
 */
export class AddedTokenMatcher {
  private readonly pattern: RegExp | undefined;
  private readonly byContent: Map<string, AddedToken>;

  constructor(tokens: readonly AddedToken[]) {
    this.byContent = new Map(tokens.filter((token) => token.content.length > 0).map((token) => [token.content, token]));
    // Longest first: JavaScript alternation takes the first alternative that matches at a position.
    const contents = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.pattern = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join('|'), 'gu') : undefined;
  }

  get isEmpty(): boolean {
    return this.pattern === undefined;
  }

  /** Splits `text` into added tokens and the plain text between them (never empty plain spans). */
  split(text: string): TextSpan[] {
    const spans: TextSpan[] = [];
    let last = 0;
    const pattern = this.pattern;
    if (pattern) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const token = this.byContent.get(match[0]);
        let from = match.index;
        let to = from + match[0].length;
        if (!token || (token.singleWord && (WORD_CHAR_BEFORE.test(text.slice(Math.max(0, from - 2), from)) || WORD_CHAR_AFTER.test(text.slice(to, to + 2))))) {
          continue;
        }
        // Scans, not anchored regexes over slices: each stretch of text is walked at most once, so
        // whitespace-heavy documents stay linear.
        if (token.lstrip) while (from > last && isWhitespaceAt(text, from - 1)) from--;
        if (token.rstrip) while (to < text.length && isWhitespaceAt(text, to)) to++;
        if (from > last) spans.push({ from: last, to: from });
        spans.push({ from, to, addedTokenId: token.id });
        last = to;
        pattern.lastIndex = to; // matches never overlap stripped whitespace
      }
    }
    if (last < text.length) spans.push({ from: last, to: text.length });
    return spans;
  }
}
