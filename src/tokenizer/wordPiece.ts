import { expectObject, expectString, expectTokenId, optionalNumber, optionalString, type JsonObject } from './configJson';
import { WordCache, type ModelPiece, type TokenModel } from './tokenModel';
import { TokenizerError } from './tokenizerError';
import { isLowSurrogate } from '../shared/utf16';

/**
 * WordPiece: greedy longest-match-first from the start of the word; pieces after the first carry
 * the continuing-subword prefix (##). A word with any unmatched remainder, or longer than
 * max_input_chars_per_word characters, becomes a single unknown token covering the whole word.
 */
export function createWordPieceModel(json: JsonObject, path: string): TokenModel {
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(expectObject(json.vocab, `${path}.vocab`))) {
    vocab.set(token, expectTokenId(id, `${path}.vocab["${token}"]`));
  }
  const unkToken = expectString(json.unk_token ?? '[UNK]', `${path}.unk_token`);
  const unkId = vocab.get(unkToken);
  if (unkId === undefined) {
    throw new TokenizerError(`tokenizer.json is inconsistent: ${path}.unk_token "${unkToken}" is not in the vocabulary.`);
  }
  const prefix = optionalString(json.continuing_subword_prefix, `${path}.continuing_subword_prefix`) ?? '##';
  const maxChars = optionalNumber(json.max_input_chars_per_word, `${path}.max_input_chars_per_word`) ?? 100;
  // No piece is longer than the longest vocabulary entry, so the greedy search never tries longer
  // candidates: the work per word is linear in its length whatever max_input_chars_per_word says.
  let longestPiece = 0;
  for (const token of vocab.keys()) longestPiece = Math.max(longestPiece, token.length);

  function splitWord(word: string): ModelPiece[] {
    const wholeWordUnknown = [{ id: unkId as number, start: 0, end: word.length }];
    if (countCodePoints(word) > maxChars) return wholeWordUnknown;
    const pieces: ModelPiece[] = [];
    for (let start = 0; start < word.length; ) {
      let match: ModelPiece | undefined;
      let end = Math.min(word.length, start + longestPiece);
      if (end < word.length && isLowSurrogate(word.charCodeAt(end))) end--; // never split a surrogate pair
      for (; end > start; end -= isLowSurrogate(word.charCodeAt(end - 1)) && end - 2 >= start ? 2 : 1) {
        const id = vocab.get(start > 0 ? prefix + word.slice(start, end) : word.slice(start, end));
        if (id !== undefined) {
          match = { id, start, end };
          break;
        }
      }
      if (!match) return wholeWordUnknown;
      pieces.push(match);
      start = match.end;
    }
    return pieces;
  }

  const cache = new WordCache();
  return { kind: 'WordPiece', vocab, size: vocab.size, tokenizeWord: (word) => cache.getOrCompute(word, splitWord) };
}

/** Characters as the reference counts them (text here is well-formed: lone surrogates were replaced). */
function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (!isLowSurrogate(text.charCodeAt(i))) count++;
  return count;
}
