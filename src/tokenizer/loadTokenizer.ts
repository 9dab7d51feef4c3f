import { AddedTokenMatcher, parseAddedTokens } from './addedTokens';
import { createBpeModel } from './bpe';
import { expectObject, unsupported, type JsonObject } from './configJson';
import { createNormalizer } from './normalizer';
import { PipelineTokenizer } from './pipelineTokenizer';
import { createPostProcessor } from './postProcessor';
import { createPreTokenizer } from './preTokenizer';
import type { TextTokenizer } from './textTokenizer';
import { TokenizerError } from './tokenizerError';
import type { TokenModel } from './tokenModel';
import { createUnigramModel } from './unigram';
import { createWordLevelModel } from './wordLevel';
import { createWordPieceModel } from './wordPiece';

/** Builds a tokenizer from the text of a Hugging Face tokenizer.json. Throws TokenizerError. */
export function loadTokenizer(json: string): TextTokenizer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new TokenizerError(`tokenizer.json is not valid JSON (${(error as Error).message}). Check that the file is complete and not a Git LFS pointer.`);
  }
  const config = expectObject(parsed, 'the top level');
  if (config.model === undefined) {
    throw new TokenizerError('tokenizer.json has no "model" section: this is not a Hugging Face tokenizers file (tokenizer_config.json and vocab.txt alone are not enough).');
  }
  const model = createModel(expectObject(config.model, 'model'));
  const addedTokens = parseAddedTokens(config.added_tokens);
  const modelIds = new Set(model.vocab.values());
  const addedIds = new Set(addedTokens.map((token) => token.id).filter((id) => !modelIds.has(id)));
  return new PipelineTokenizer({
    rawAddedTokens: new AddedTokenMatcher(addedTokens.filter((token) => !token.normalized)),
    normalize: createNormalizer(config.normalizer),
    normalizedAddedTokens: new AddedTokenMatcher(addedTokens.filter((token) => token.normalized)),
    preTokenize: createPreTokenizer(config.pre_tokenizer),
    model,
    specialTokens: createPostProcessor(config.post_processor),
    vocabSize: model.size + addedIds.size,
  });
}

/** tokenizer.json may omit model.type (older files); the reference then infers it from the fields. */
function createModel(json: JsonObject): TokenModel {
  const type = json.type ?? (json.merges !== undefined ? 'BPE' : Array.isArray(json.vocab) ? 'Unigram' : json.continuing_subword_prefix !== undefined || json.max_input_chars_per_word !== undefined ? 'WordPiece' : undefined);
  switch (type) {
    case 'BPE':
      return createBpeModel(json, 'model');
    case 'WordPiece':
      return createWordPieceModel(json, 'model');
    case 'Unigram':
      return createUnigramModel(json, 'model');
    case 'WordLevel':
      return createWordLevelModel(json, 'model');
    case undefined:
      throw new TokenizerError('tokenizer.json: model.type is missing and cannot be inferred. Re-save the tokenizer with a current version of Hugging Face tokenizers.');
    default:
      throw unsupported('model.type', `the "${String(type)}" model`);
  }
}
