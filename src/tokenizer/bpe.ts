import { expectArray, expectObject, expectTokenId, optionalBoolean, optionalString, type JsonObject } from './configJson';
import { utf8Bytes } from './byteLevel';
import { WordCache, type ModelPiece, type TokenModel } from './tokenModel';
import { TokenizerError } from './tokenizerError';

/**
 * BPE, as the reference's BPE::merge_word does it: the word's characters become symbols (with the
 * continuing-subword prefix on all but the first and the end-of-word suffix on the last; unknown
 * characters become byte-fallback tokens or the unknown token, fused with fuse_unk), then merges
 * are applied lowest rank first (leftmost among equal ranks) until none applies.
 *
 * Written here rather than taken from a library so that each symbol keeps the UTF-16 range of the
 * word it covers (exact offsets) and so that loading stays cheap for 256k-entry vocabularies with
 * 500k merges: merges are keyed by a pair of integer ids, and nothing keeps the JSON's strings
 * twice. Options written as empty strings ("continuing_subword_prefix": "") mean none, as in the
 * reference.
 */
export function createBpeModel(json: JsonObject, path: string): TokenModel {
  const vocabJson = expectObject(json.vocab, `${path}.vocab`);
  const vocab = new Map<string, number>();
  let maxId = 0;
  for (const token in vocabJson) {
    const id = expectTokenId(vocabJson[token], `${path}.vocab["${token}"]`);
    vocab.set(token, id);
    if (id > maxId) maxId = id;
  }
  const idBound = maxId + 1;
  const unkToken = optionalString(json.unk_token, `${path}.unk_token`) || undefined;
  const unkId = unkToken === undefined ? undefined : vocab.get(unkToken);
  if (unkToken !== undefined && unkId === undefined) {
    throw new TokenizerError(`tokenizer.json is inconsistent: ${path}.unk_token "${unkToken}" is not in the vocabulary.`);
  }
  const prefix = optionalString(json.continuing_subword_prefix, `${path}.continuing_subword_prefix`) || '';
  const suffix = optionalString(json.end_of_word_suffix, `${path}.end_of_word_suffix`) || '';
  const fuseUnk = optionalBoolean(json.fuse_unk, `${path}.fuse_unk`, false);
  const byteFallback = optionalBoolean(json.byte_fallback, `${path}.byte_fallback`, false);
  const ignoreMerges = optionalBoolean(json.ignore_merges, `${path}.ignore_merges`, false);

  // (left id, right id) → rank · RANK_SCALE + merged id; RANK_SCALE > every id.
  const merges = new Map<number, number>();
  const rankScale = idBound;
  const mergesJson = expectArray(json.merges, `${path}.merges`);
  for (let rank = 0; rank < mergesJson.length; rank++) {
    const [left, right] = parseMerge(mergesJson[rank], `${path}.merges[${rank}]`);
    const leftId = vocab.get(left);
    const rightId = vocab.get(right);
    // The merged token drops the right part's continuing-subword prefix (reference: a + b[prefix_len..]).
    const mergedId = vocab.get(left + (prefix && right.startsWith(prefix) ? right.slice(prefix.length) : right));
    if (leftId === undefined || rightId === undefined || mergedId === undefined) {
      const missing = leftId === undefined ? left : rightId === undefined ? right : left + right;
      throw new TokenizerError(`tokenizer.json is inconsistent: ${path}.merges[${rank}] uses "${missing}", which is not in the vocabulary.`);
    }
    const key = leftId * idBound + rightId;
    if (!merges.has(key)) merges.set(key, rank * rankScale + mergedId);
  }
  const byteIds = byteFallback ? byteTokenIds(vocab) : undefined;

  function mergeWord(word: string): ModelPiece[] {
    if (ignoreMerges) {
      const id = vocab.get(word);
      if (id !== undefined) return [{ id, start: 0, end: word.length }];
    }
    // Symbols: id and [start, end) in the word; prev/next link the live ones.
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let unknown: { start: number; end: number } | undefined;
    const add = (id: number, start: number, end: number): void => {
      ids.push(id);
      starts.push(start);
      ends.push(end);
    };
    const flushUnknown = (): void => {
      if (unknown && unkId !== undefined) add(unkId, unknown.start, unknown.end);
      unknown = undefined;
    };
    for (let i = 0; i < word.length; ) {
      const codePoint = word.codePointAt(i) as number;
      const end = i + (codePoint > 0xffff ? 2 : 1);
      const text = (i > 0 ? prefix : '') + word.slice(i, end) + (end === word.length ? suffix : '');
      const id = vocab.get(text);
      if (id !== undefined) {
        flushUnknown();
        add(id, i, end);
      } else if (byteIds && symbolBytes(text).every((byte) => byteIds[byte] >= 0)) {
        // As the reference: byte tokens of the symbol (prefix and suffix included), each covering the character.
        for (const byte of symbolBytes(text)) add(byteIds[byte], i, end);
      } else if (unkId !== undefined) {
        if (unknown && fuseUnk) unknown.end = end;
        else {
          flushUnknown();
          unknown = { start: i, end };
        }
      }
      // With neither fallback nor unknown token the reference drops the character, and so do we.
      i = end;
    }
    flushUnknown();
    return applyMerges(ids, starts, ends);
  }

  function applyMerges(ids: number[], starts: number[], ends: number[]): ModelPiece[] {
    const count = ids.length;
    const prev = new Int32Array(count);
    const next = new Int32Array(count);
    const alive = new Uint8Array(count).fill(1);
    for (let i = 0; i < count; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }
    // Min-heap of rank · 2^21 + position: lowest rank first, leftmost among equal ranks.
    const heap: number[] = [];
    const positionScale = 2 ** 21;
    const push = (position: number): void => {
      const right = next[position];
      if (right < 0) return;
      const merge = merges.get(ids[position] * idBound + ids[right]);
      if (merge === undefined) return;
      heapPush(heap, Math.floor(merge / rankScale) * positionScale + position);
    };
    if (count > positionScale) return ids.map((id, i) => ({ id, start: starts[i], end: ends[i] })); // not mergeable in one pass; never met
    for (let i = 0; i + 1 < count; i++) push(i);
    while (heap.length > 0) {
      const top = heapPop(heap);
      const position = top % positionScale;
      const rank = (top - position) / positionScale;
      const right = next[position];
      if (!alive[position] || right < 0) continue;
      const merge = merges.get(ids[position] * idBound + ids[right]);
      // Stale entry: the pair changed since it was queued.
      if (merge === undefined || Math.floor(merge / rankScale) !== rank) continue;
      ids[position] = merge % rankScale;
      ends[position] = ends[right];
      alive[right] = 0;
      next[position] = next[right];
      if (next[right] >= 0) prev[next[right]] = position;
      if (prev[position] >= 0) push(prev[position]);
      push(position);
    }
    const pieces: ModelPiece[] = [];
    for (let i = count > 0 ? 0 : -1; i >= 0; i = next[i]) pieces.push({ id: ids[i], start: starts[i], end: ends[i] });
    return pieces;
  }

  const cache = new WordCache();
  return { kind: 'BPE', vocab, size: vocab.size, tokenizeWord: (word) => cache.getOrCompute(word, mergeWord) };
}

/** UTF-8 bytes of a short string. */
function symbolBytes(text: string): number[] {
  const bytes: number[] = [];
  for (const character of text) for (const byte of utf8Bytes(character.codePointAt(0) as number)) bytes.push(byte);
  return bytes;
}

/** Ids of the `<0xXX>` byte tokens, -1 where absent. */
function byteTokenIds(vocab: ReadonlyMap<string, number>): Int32Array {
  const ids = new Int32Array(256).fill(-1);
  for (let byte = 0; byte < 256; byte++) ids[byte] = vocab.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`) ?? -1;
  return ids;
}

function heapPush(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const child = left + 1 < heap.length && heap[left + 1] < heap[left] ? left + 1 : left;
    if (heap[child] >= last) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}

/** Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones. */
function parseMerge(merge: unknown, path: string): [string, string] {
  if (typeof merge === 'string') {
    const space = merge.indexOf(' ');
    if (space > 0 && merge.indexOf(' ', space + 1) < 0) return [merge.slice(0, space), merge.slice(space + 1)];
  } else if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') {
    return [merge[0], merge[1]];
  }
  throw new TokenizerError(`tokenizer.json is malformed: ${path} should be a merge like "a b" or ["a", "b"].`);
}
