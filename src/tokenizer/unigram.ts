import { expectArray, expectNumber, expectString, expectTokenId, optionalBoolean, type JsonObject } from './configJson';
import { byteFallbackPieces, WordCache, type ModelPiece, type TokenModel } from './tokenModel';
import { TokenizerError } from './tokenizerError';
import { codePointWidth } from '../shared/utf16';

/** The reference's penalty, below the worst piece score, for covering a character with the unknown token. */
const UNKNOWN_PENALTY = 10;

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  id?: number;
}

/**
 * Unigram (SentencePiece): the segmentation with the highest total piece score, found by Viterbi
 * over code-unit positions. Mirrors the reference's tie-breaking (candidates tried shortest first,
 * replaced only by a strictly better score) so ids match exactly. Runs of characters no piece
 * covers become one unknown token (or `<0xXX>` byte tokens with byte_fallback).
 */
export function createUnigramModel(json: JsonObject, path: string): TokenModel {
  const vocab = new Map<string, number>();
  const scores: number[] = [];
  const root: TrieNode = { children: new Map() };
  expectArray(json.vocab, `${path}.vocab`).forEach((entry, id) => {
    const [piece, score] = expectArray(entry, `${path}.vocab[${id}]`);
    const text = expectString(piece, `${path}.vocab[${id}][0]`);
    scores.push(expectNumber(score, `${path}.vocab[${id}][1]`));
    vocab.set(text, id); // a duplicated piece resolves to its last id, as in the reference
    let node = root;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      let child = node.children.get(unit);
      if (!child) node.children.set(unit, (child = { children: new Map() }));
      node = child;
    }
    node.id = id;
  });
  if (json.unk_id === undefined || json.unk_id === null) {
    throw new TokenizerError(`tokenizer.json: ${path}.unk_id is missing; a Unigram model needs an unknown token for characters outside its vocabulary.`);
  }
  const unkId = expectTokenId(json.unk_id, `${path}.unk_id`);
  if (unkId >= scores.length) throw new TokenizerError(`tokenizer.json is inconsistent: ${path}.unk_id ${unkId} is outside the vocabulary.`);
  const byteFallback = optionalBoolean(json.byte_fallback, `${path}.byte_fallback`, false);
  // A loop, not Math.min(...scores): a 250k-piece vocabulary would overflow the call stack.
  let minScore = Infinity;
  for (const score of scores) if (score < minScore) minScore = score;
  const unknownScore = minScore - UNKNOWN_PENALTY;

  function segment(word: string): ModelPiece[] {
    // best[i]: the best segmentation of word[0, i), as its score and its last piece.
    const bestScore = new Float64Array(word.length + 1);
    const bestStart = new Int32Array(word.length + 1).fill(-1);
    const bestId = new Int32Array(word.length + 1);
    const offer = (start: number, end: number, id: number, score: number): void => {
      const candidate = bestScore[start] + score;
      if (bestStart[end] < 0 || candidate > bestScore[end]) {
        bestScore[end] = candidate;
        bestStart[end] = start;
        bestId[end] = id;
      }
    };
    for (let start = 0; start < word.length; ) {
      const charEnd = start + codePointWidth(word, start);
      let coversChar = false;
      let node: TrieNode | undefined = root;
      for (let i = start; i < word.length && node; i++) {
        node = node.children.get(word.charCodeAt(i));
        if (node?.id !== undefined) {
          offer(start, i + 1, node.id, scores[node.id]);
          if (i + 1 === charEnd) coversChar = true;
        }
      }
      if (!coversChar) offer(start, charEnd, unkId, unknownScore);
      start = charEnd;
    }

    // Walk back, fusing adjacent unknown pieces as the reference does.
    const pieces: ModelPiece[] = [];
    for (let end = word.length; end > 0; end = bestStart[end]) {
      const piece = { id: bestId[end], start: bestStart[end], end };
      const previous = pieces[pieces.length - 1];
      if (piece.id === unkId && previous?.id === unkId) pieces[pieces.length - 1] = { ...previous, start: piece.start };
      else pieces.push(piece);
    }
    pieces.reverse();
    if (!byteFallback) return pieces;
    return pieces.flatMap((piece) => (piece.id === unkId ? (byteFallbackPieces(vocab, word, piece.start, piece.end) ?? [piece]) : [piece]));
  }

  const cache = new WordCache();
  return { kind: 'Unigram', vocab, size: scores.length, tokenizeWord: (word) => cache.getOrCompute(word, segment) };
}

