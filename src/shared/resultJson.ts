/**
 * The JSON form of a result, written by the panel's "Export JSON" and by the command-line tool:
 * tokens with ids and source offsets, the model summary, and every layer's attention.
 */
import { headCount } from './attentionMath';
import type { SourceToken } from './tokens';
import { lineStarts, positionAt } from './textPositions';

export const RESULT_JSON_FORMAT = 'attention-lens/result@1';

export interface ResultJsonInput {
  readonly source: { readonly file: string; readonly startOffset: number; readonly text: string };
  readonly tokens: readonly SourceToken[];
  readonly attention: readonly Float32Array[];
  readonly model: { readonly name: string; readonly layers: number; readonly heads: number; readonly context: number; readonly causal: boolean };
  /** Full-document text, to compute line/character of each token; defaults to the source text. */
  readonly documentText?: string;
}

export interface ResultJson {
  readonly format: typeof RESULT_JSON_FORMAT;
  readonly model: ResultJsonInput['model'];
  readonly source: { readonly file: string; readonly startOffset: number; readonly text: string };
  readonly tokens: readonly {
    readonly index: number;
    readonly id: number;
    readonly text: string;
    readonly special: boolean;
    /** UTF-16 offsets into source.text, and 0-based line/character in the file. */
    readonly start: number;
    readonly end: number;
    readonly line: number;
    readonly character: number;
  }[];
  /** attention[layer][head][query][key]. */
  readonly attention: number[][][][];
}

/** Round to 7 significant digits: float32 precision, without float64 noise in the file. */
function round(value: number): number {
  return Number(value.toPrecision(7));
}

export function resultToJson(input: ResultJsonInput): ResultJson {
  const size = input.tokens.length;
  const documentText = input.documentText ?? input.source.text;
  const starts = lineStarts(documentText);
  const base = input.documentText === undefined ? 0 : input.source.startOffset;
  return {
    format: RESULT_JSON_FORMAT,
    model: {
      name: input.model.name,
      layers: input.model.layers,
      heads: input.model.heads,
      context: input.model.context,
      causal: input.model.causal,
    },
    source: input.source,
    tokens: input.tokens.map((t, index) => {
      const { line, character } = positionAt(starts, base + t.start);
      return { index, id: t.id, text: t.text, special: t.special, start: t.start, end: t.end, line, character };
    }),
    attention: nestedAttention(input.attention, size),
  };
}

/** Per-layer [head][query][key] Float32 tensors as nested arrays, rounded to float32 precision. */
export function nestedAttention(attention: readonly Float32Array[], size: number): number[][][][] {
  return attention.map((layer) =>
    Array.from({ length: headCount(layer, size) }, (_, h) =>
      Array.from({ length: size }, (_, q) => Array.from(layer.subarray((h * size + q) * size, (h * size + q + 1) * size), round)),
    ),
  );
}
