import { expectArray, expectObject, expectTokenId, optionalBoolean, optionalString, unsupported, type JsonObject } from './configJson';
import { byteFallbackPieces, WordCache, type ModelPiece, type TokenModel } from './tokenModel';
import { TokenizerError } from './tokenizerError';

/** The part of @huggingface/tokenizers' BPE model used here: the pieces of one word, as strings. */
interface WordMerger {
  bpe(word: string): string[];
}

// The package ships a CommonJS build next to its ESM one, but its type declarations only resolve in
// ESM mode (extensionless relative re-exports), so this CommonJS module requires it and types the
// one method it needs.
const { BPE: LibraryBpe } = require('@huggingface/tokenizers') as { BPE: new (config: object) => WordMerger };

/**
 * BPE. The merging itself (priority queue over merge ranks, the part that is easy to get subtly
 * wrong or slow) is @huggingface/tokenizers' BPE.bpe(); it returns the word's pieces as strings,
 * which concatenate back to the word, so each piece's offsets are its running position. What the
 * library does differently from the reference (unknown characters, byte fallback) is done here.
 */
export function createBpeModel(json: JsonObject, path: string): TokenModel {
  if (optionalString(json.continuing_subword_prefix, `${path}.continuing_subword_prefix`) !== undefined) {
    throw unsupported(`${path}.continuing_subword_prefix`, 'a BPE continuing-subword prefix');
  }
  const vocabJson = expectObject(json.vocab, `${path}.vocab`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(vocabJson)) vocab.set(token, expectTokenId(id, `${path}.vocab["${token}"]`));
  const merges = expectArray(json.merges, `${path}.merges`).map((merge, i) => parseMerge(merge, `${path}.merges[${i}]`));
  const unkToken = optionalString(json.unk_token, `${path}.unk_token`);
  const unkId = unkToken === undefined ? undefined : vocab.get(unkToken);
  if (unkToken !== undefined && unkId === undefined) {
    throw new TokenizerError(`tokenizer.json is inconsistent: ${path}.unk_token "${unkToken}" is not in the vocabulary.`);
  }
  const fuseUnk = optionalBoolean(json.fuse_unk, `${path}.fuse_unk`, false);
  const byteFallback = optionalBoolean(json.byte_fallback, `${path}.byte_fallback`, false);
  const ignoreMerges = optionalBoolean(json.ignore_merges, `${path}.ignore_merges`, false);
  const suffix = optionalString(json.end_of_word_suffix, `${path}.end_of_word_suffix`) ?? '';

  const merger = new LibraryBpe({ type: 'BPE', vocab: vocabJson, merges, end_of_word_suffix: suffix || undefined });

  function mergeWord(word: string): ModelPiece[] {
    if (ignoreMerges && vocab.has(word + suffix)) return [{ id: vocab.get(word + suffix) ?? 0, start: 0, end: word.length }];
    const pieces: ModelPiece[] = [];
    let unknownFrom = -1; // start of a pending run of unknown characters (fused when fuse_unk)
    const flushUnknown = (to: number): void => {
      if (unknownFrom >= 0 && unkId !== undefined) pieces.push({ id: unkId, start: unknownFrom, end: to });
      unknownFrom = -1;
    };
    let position = 0;
    const merged = merger.bpe(word);
    merged.forEach((token, i) => {
      const length = i === merged.length - 1 && suffix && token.endsWith(suffix) ? token.length - suffix.length : token.length;
      const start = position;
      position += length;
      const id = vocab.get(token);
      if (id !== undefined) {
        flushUnknown(start);
        pieces.push({ id, start, end: position });
        return;
      }
      // Unknown pieces are single characters: merges only ever join vocabulary tokens.
      const fallback = byteFallback ? byteFallbackPieces(vocab, word, start, position) : undefined;
      if (fallback) {
        flushUnknown(start);
        pieces.push(...fallback);
      } else if (unkId !== undefined) {
        if (unknownFrom >= 0 && !fuseUnk) flushUnknown(start);
        if (unknownFrom < 0) unknownFrom = start;
      }
      // With neither fallback nor unk token the reference drops the character, and so do we.
    });
    flushUnknown(position);
    return pieces;
  }

  const cache = new WordCache();
  return { kind: 'BPE', vocab, size: vocab.size, tokenizeWord: (word) => cache.getOrCompute(word, mergeWord) };
}

/** Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones. */
function parseMerge(merge: unknown, path: string): [string, string] {
  if (typeof merge === 'string') {
    const parts = merge.split(' ');
    if (parts.length === 2) return [parts[0], parts[1]];
  } else if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') {
    return [merge[0], merge[1]];
  }
  throw new TokenizerError(`tokenizer.json is malformed: ${path} should be a merge like "a b" or ["a", "b"].`);
}
