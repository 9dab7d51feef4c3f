/**
 * The tokens of an attention file's sequence as the views lay them out (text plus UTF-16 offsets
 * into it), for the extension host's runs and the notebook renderer alike. Pure.
 */
import type { AttentionFileToken, TokenSequence } from './attentionFile';
import type { SourceToken } from './tokens';

/**
 * The text and tokens a view lays out: the source text with the file's offsets when it has both,
 * else the token texts joined by single spaces (special tokens take no room in the text). Pieces of
 * one character sharing its range keep it on the last piece only, as in a run.
 * Offsets are UTF-16 code units into the returned text; ids are the file's, or negative when it has none.
 */
export function fileTokens(sequence: TokenSequence): { text: string; tokens: SourceToken[] } {
  // Tokens without vocabulary ids get one negative id per distinct text, so scores that look for
  // repeated tokens (induction) still see repeats.
  const made = new Map<string, number>();
  const idOf = (token: AttentionFileToken) => {
    if (token.id !== undefined) return token.id;
    let id = made.get(token.text);
    if (id === undefined) made.set(token.text, (id = -1 - made.size));
    return id;
  };
  if (sequence.hasOffsets && sequence.source) {
    let cursor = 0;
    const tokens = sequence.tokens.map((token): SourceToken => {
      const start = token.start ?? cursor;
      const end = token.special ? start : (token.end ?? start);
      cursor = end;
      return { id: idOf(token), text: token.text, start, end, special: token.special };
    });
    // A fast tokenizer gives every byte-level piece of one character (an emoji split into byte
    // tokens) the character's whole range; a run gives it to the last piece only and leaves the
    // others empty (see SourceToken), so each character is shaded and hovered once.
    const pieces = tokens.map((token, i) => {
      const next = tokens[i + 1];
      const shared = next && !token.special && !next.special && token.end > token.start && token.start === next.start && token.end === next.end;
      return shared ? { ...token, end: token.start } : token;
    });
    return { text: sequence.source.text, tokens: pieces };
  }
  let text = '';
  const tokens = sequence.tokens.map((token): SourceToken => {
    if (token.special) return { id: idOf(token), text: token.text, start: text.length, end: text.length, special: true };
    if (text.length > 0) text += ' ';
    const start = text.length;
    text += token.text;
    return { id: idOf(token), text: token.text, start, end: text.length, special: false };
  });
  return { text, tokens };
}

