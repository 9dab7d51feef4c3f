/** One token of analysed text, tied to its exact place in the source. */
export interface SourceToken {
  /** Vocabulary id fed to the model. */
  readonly id: number;
  /** The token's text: the source slice [start, end), or the special token's content. */
  readonly text: string;
  /** Start offset in UTF-16 code units of the encoded string (inclusive). */
  readonly start: number;
  /** End offset in UTF-16 code units (exclusive). start === end for special tokens and for
   *  byte fragments of a character that another token completes. */
  readonly end: number;
  /** Added by the tokenizer's post-processor ([CLS], [SEP], <s>): it has no source range. */
  readonly special: boolean;
}

/** Where the analysed source ends: the end of the last source token, or undefined when there is none. */
export function coveredEnd(tokens: readonly SourceToken[]): number | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (!tokens[i].special) return tokens[i].end;
  return undefined;
}
