import { utf8Bytes } from './byteLevel';

/** One token produced by a model for one word: its id and its [start, end) in the word's UTF-16 units. */
export interface ModelPiece {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** The vocabulary model (BPE, WordPiece or Unigram) applied to each pre-tokenized word. */
export interface TokenModel {
  readonly kind: 'BPE' | 'WordPiece' | 'Unigram' | 'WordLevel';
  /** Tokens in the model's own vocabulary (added tokens not included). */
  readonly vocab: ReadonlyMap<string, number>;
  /** Number of vocabulary entries, as the reference counts them. */
  readonly size: number;
  tokenizeWord(word: string): readonly ModelPiece[];
}

/** `<0xXX>` tokens of the bytes in `[start, end)` of a word, or undefined unless all exist in the vocabulary.
 *  Each byte token keeps the range of the character it belongs to; the tokenizer later hands the
 *  character to the last of them. */
export function byteFallbackPieces(
  vocab: ReadonlyMap<string, number>,
  word: string,
  start: number,
  end: number,
): ModelPiece[] | undefined {
  const pieces: ModelPiece[] = [];
  for (let i = start; i < end; ) {
    const codePoint = word.codePointAt(i) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    for (const byte of utf8Bytes(codePoint)) {
      const id = vocab.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return undefined;
      pieces.push({ id, start: i, end: i + width });
    }
    i += width;
  }
  return pieces;
}

/** Remembers recent words' pieces: source code repeats identifiers, keywords and indentation a lot. */
export class WordCache {
  private readonly entries = new Map<string, readonly ModelPiece[]>();

  constructor(private readonly capacity = 20_000) {}

  getOrCompute(word: string, compute: (word: string) => readonly ModelPiece[]): readonly ModelPiece[] {
    const cached = this.entries.get(word);
    if (cached) return cached;
    const pieces = compute(word);
    // Long words rarely repeat; evicting everything at capacity is simpler than LRU and cheap to refill.
    if (word.length <= 256) {
      if (this.entries.size >= this.capacity) this.entries.clear();
      this.entries.set(word, pieces);
    }
    return pieces;
  }
}
