import type { SourceToken } from '../shared/tokens';

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS] … [SEP]). Default true, as the model expects them. */
  readonly addSpecialTokens?: boolean;
}

/** Turns text into model token ids, each tied to the exact UTF-16 range of the text it came from. */
export interface TextTokenizer {
  readonly kind: 'BPE' | 'WordPiece' | 'Unigram' | 'WordLevel';
  /** Model vocabulary plus added tokens. */
  readonly vocabSize: number;
  encode(text: string, options?: EncodeOptions): SourceToken[];
}
