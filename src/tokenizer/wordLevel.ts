import { expectObject, expectTokenId, optionalString, type JsonObject } from './configJson';
import type { ModelPiece, TokenModel } from './tokenModel';
import { TokenizerError } from './tokenizerError';

/**
 * WordLevel: each pre-tokenized word is one token, looked up whole; a word outside the vocabulary
 * becomes the unknown token. As in the reference, a missing unknown token is an error only when a
 * word is actually unknown, so it is reported then, naming the word.
 */
export function createWordLevelModel(json: JsonObject, path: string): TokenModel {
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(expectObject(json.vocab, `${path}.vocab`))) vocab.set(token, expectTokenId(id, `${path}.vocab["${token}"]`));
  const unkToken = optionalString(json.unk_token, `${path}.unk_token`) ?? '<unk>';
  const unkId = vocab.get(unkToken);
  return {
    kind: 'WordLevel',
    vocab,
    size: vocab.size,
    tokenizeWord(word: string): readonly ModelPiece[] {
      const id = vocab.get(word) ?? unkId;
      if (id === undefined) {
        throw new TokenizerError(`The tokenizer cannot encode "${word.slice(0, 40)}": it is not in the WordLevel vocabulary and ${path}.unk_token "${unkToken}" is not either.`);
      }
      return [{ id, start: 0, end: word.length }];
    },
  };
}
