import type { SourceToken } from '../shared/tokens';
import { AlignedText } from './alignedText';
import type { AddedTokenMatcher } from './addedTokens';
import type { Normalize } from './normalizer';
import type { SpecialTokenFrame } from './postProcessor';
import type { PreTokenize } from './preTokenizer';
import type { EncodeOptions, TextTokenizer } from './textTokenizer';
import type { TokenModel } from './tokenModel';

/** The stages of a tokenizer.json, in the reference's order. */
export interface TokenizerPipeline {
  /** Added tokens matched in the raw text, before normalisation (normalized: false). */
  readonly rawAddedTokens: AddedTokenMatcher;
  readonly normalize: Normalize | undefined;
  /** Added tokens matched in the normalised text (normalized: true). */
  readonly normalizedAddedTokens: AddedTokenMatcher;
  readonly preTokenize: PreTokenize;
  readonly model: TokenModel;
  readonly specialTokens: SpecialTokenFrame;
  readonly vocabSize: number;
}

interface RangedId {
  readonly id: number;
  start: number;
  end: number;
}

/**
 * Runs the pipeline while every intermediate string stays aligned to the source, so each token
 * gets the source range it was made from.
 *
 * Offsets rules:
 * - Lone surrogates are treated as U+FFFD (what the reference receives); a token covering one
 *   spans that single code unit.
 * - When several tokens come from one source character (UTF-8 bytes of an emoji split by byte-level
 *   BPE, byte-fallback tokens, a lowercase expansion like "İ" → "i̇"), the last of them owns the
 *   character and the earlier ones get an empty range at the character's start.
 * - Text the pipeline drops (whitespace in WordPiece, control characters) belongs to no token.
 */
export class PipelineTokenizer implements TextTokenizer {
  readonly kind: TokenModel['kind'];
  readonly vocabSize: number;

  constructor(private readonly pipeline: TokenizerPipeline) {
    this.kind = pipeline.model.kind;
    this.vocabSize = pipeline.vocabSize;
  }

  encode(text: string, options?: EncodeOptions): SourceToken[] {
    const wellFormed = text.replace(/\p{Cs}/gu, '\ufffd'); // same length, so offsets are unchanged
    const ranged: RangedId[] = [];
    for (const span of this.pipeline.rawAddedTokens.split(wellFormed)) {
      if (span.addedTokenId !== undefined) ranged.push({ id: span.addedTokenId, start: span.from, end: span.to });
      else this.encodeText(AlignedText.fromSource(wellFormed.slice(span.from, span.to), span.from), ranged);
    }
    resolveSharedCharacters(ranged);

    const tokens: SourceToken[] = ranged.map(({ id, start, end }) => ({ id, text: text.slice(start, end), start, end, special: false }));
    if (options?.addSpecialTokens === false) return tokens;
    const special = (at: number) => ({ id, content }: { id: number; content: string }): SourceToken => ({ id, text: content, start: at, end: at, special: true });
    return [...this.pipeline.specialTokens.leading.map(special(0)), ...tokens, ...this.pipeline.specialTokens.trailing.map(special(text.length))];
  }

  private encodeText(source: AlignedText, out: RangedId[]): void {
    const { normalize, normalizedAddedTokens, preTokenize, model } = this.pipeline;
    const normalized = normalize ? normalize(source) : source;
    const spans = normalizedAddedTokens.isEmpty ? [{ from: 0, to: normalized.length, addedTokenId: undefined }] : normalizedAddedTokens.split(normalized.text);
    for (const span of spans) {
      const part = normalized.slice(span.from, span.to);
      if (span.addedTokenId !== undefined) {
        out.push({ id: span.addedTokenId, start: part.sourceStart, end: part.sourceEnd });
        continue;
      }
      for (const word of preTokenize(part)) {
        for (const piece of model.tokenizeWord(word.text)) {
          out.push({ id: piece.id, start: word.starts[piece.start], end: word.ends[piece.end - 1] });
        }
      }
    }
  }
}

/**
 * Makes ranges ordered and non-overlapping: walking backwards, each token ends where the next one
 * starts at the latest. Tokens sharing a character thus leave it to the last of them.
 */
function resolveSharedCharacters(tokens: RangedId[]): void {
  let nextStart = Infinity;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    token.end = Math.min(token.end, nextStart);
    token.start = Math.min(token.start, token.end);
    nextStart = token.start;
  }
}
