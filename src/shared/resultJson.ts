/**
 * The JSON form of a result, written by the panel's "Export JSON" and by the command-line tool:
 * tokens with ids and source offsets, the model summary, and every layer's attention. The panel's
 * export writes it piece by piece (resultJsonChunks) so the whole text is never held.
 */
import type { AttentionLayers } from './attentionLayers';
import type { SourceToken } from './tokens';
import { lineStarts, positionAt } from './textPositions';

export const RESULT_JSON_FORMAT = 'attention-lens/result@1';

export interface ResultJsonInput {
  readonly source: { readonly file: string; readonly startOffset: number; readonly text: string };
  readonly tokens: readonly SourceToken[];
  readonly attention: AttentionLayers;
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

/** The result without its attention: what resultToJson returns before the `attention` key. */
export function resultHead(input: ResultJsonInput): Omit<ResultJson, 'attention'> {
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
  };
}

export function resultToJson(input: ResultJsonInput): ResultJson {
  return { ...resultHead(input), attention: nestedAttention(input.attention, input.tokens.length) };
}

/**
 * The text of `JSON.stringify(resultToJson(input))`, in pieces: the head (model, source, tokens),
 * then one piece per query row of each head (T numbers), then the closing brackets. Concatenated,
 * the pieces are that exact string; no piece after the head holds more than one row, so a writer
 * that streams them to a file never holds the whole text (449 MiB for 12 x 12 heads at 512 tokens).
 */
export function* resultJsonChunks(input: ResultJsonInput): Generator<string, void, undefined> {
  const size = input.tokens.length;
  const head = JSON.stringify(resultHead(input));
  yield `${head.slice(0, -1)},"attention":[`;
  const numbers = new Array<string>(size);
  const heads = input.attention.heads;
  for (let l = 0; l < input.attention.length; l++) {
    for (let h = 0; h < heads; h++) {
      // One head at a time: a run kept on disk is read a T x T matrix per head.
      const matrix = input.attention.head(l, h)!;
      for (let q = 0; q < size; q++) {
        const row = q * size;
        for (let k = 0; k < size; k++) numbers[k] = jsonNumber(round(matrix[row + k]));
        // Separators as JSON.stringify writes them: `[` opens a head (and a layer), `,` between.
        const open = q > 0 ? ',' : h > 0 ? ',[' : l > 0 ? ',[[' : '[[';
        yield `${open}[${numbers.join(',')}]${q === size - 1 ? ']' : ''}`;
      }
    }
    // A layer without heads (or a run without tokens) is `[]`, as nestedAttention gives it.
    yield heads === 0 ? `${l > 0 ? ',' : ''}[]` : ']';
  }
  yield ']}';
}

/** A number as JSON.stringify writes it: non-finite values become null. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** Per-layer [head][query][key] Float32 tensors as nested arrays, rounded to float32 precision. */
export function nestedAttention(attention: AttentionLayers, size: number): number[][][][] {
  return Array.from({ length: attention.length }, (_, l) =>
    Array.from({ length: attention.heads }, (_, h) => {
      const matrix = attention.head(l, h)!;
      return Array.from({ length: size }, (_, q) => Array.from(matrix.subarray(q * size, (q + 1) * size), round));
    }),
  );
}
