/**
 * Figures for papers and slides: the matrix and token views as standalone SVG, with real <text>
 * (selectable, searchable, sharp at any size) and the panel's own colour mapping. Pure: builds
 * strings, so the webview (SVG and PNG export) and the tests share it.
 */
import { VIRIDIS, colorIndex } from './colorScale';
import { colorMax, legendValue, type ColorMode } from './heatmapPixels';
import type { Line } from './tokenLayout';

export interface MatrixFigure {
  readonly title: string;
  /** One label per token, in order. */
  readonly labels: readonly string[];
  /** Row-major size x size weights, as drawn (sinks hidden, rows renormalised). */
  readonly matrix: Float32Array;
  readonly size: number;
  readonly mode: ColorMode;
  /** Weights below this are drawn as 0, as in the panel. */
  readonly threshold: number;
}

export interface TokensFigure {
  readonly title: string;
  /** The tokens laid out in lines (layoutTokens). */
  readonly lines: readonly Line[];
  /** One weight per token, or none when nothing is focused. */
  readonly weights: Float32Array | undefined;
  /** Tokens in focus (query or span), outlined. */
  readonly focus: readonly number[];
  readonly threshold: number;
}

const FONT = 'Menlo, Consolas, "DejaVu Sans Mono", monospace';
const FONT_SIZE = 10;
const MARGIN = 8;
/** Chip shading: VS Code's default focus blue, as the shading is drawn without a theme. */
const SHADE_RGB = '0,122,204';

/**
 * XML-escaped text; invisible characters written as escapes so every token shows. Control
 * characters and lone surrogates are escaped by JSON.stringify; U+FFFE and U+FFFF, which JSON
 * leaves alone but XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets), are escaped here so the
 * figure stays well-formed.
 */
export function svgText(text: string): string {
  const visible = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/\\\\/g, '\\')
    .replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return visible.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The viridis colour at a table index, as #rrggbb. */
export function viridisHex(index: number): string {
  const c = index * 3;
  return '#' + [VIRIDIS[c], VIRIDIS[c + 1], VIRIDIS[c + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/**
 * The viridis index (0..255) of every cell, exactly as the panel maps weights: per-row max in
 * 'row' mode, else the matrix's colour max; square root in 'sqrt' mode; below threshold is 0.
 */
export function cellColorIndices(matrix: Float32Array, size: number, mode: ColorMode, threshold: number): Uint8Array {
  return gridColorIndices(matrix, size, size, mode, threshold, colorMax(matrix, size, mode));
}

/**
 * The viridis index of every cell of a `rows` x `cols` row-major matrix, with `max` the top of
 * the colour range outside 'row' mode (in 'row' mode each row's own max).
 */
function gridColorIndices(matrix: Float32Array, rows: number, cols: number, mode: ColorMode, threshold: number, max: number): Uint8Array {
  const out = new Uint8Array(rows * cols);
  const gamma = mode === 'sqrt' ? 0.5 : 1;
  for (let i = 0; i < rows; i++) {
    let top = max;
    if (mode === 'row') {
      top = 0;
      for (let j = 0; j < cols; j++) top = Math.max(top, matrix[i * cols + j]);
    }
    for (let j = 0; j < cols; j++) {
      const value = matrix[i * cols + j];
      out[i * cols + j] = value > 0 && value >= threshold && top > 0 ? colorIndex(Math.min(value, top), top, gamma) : 0;
    }
  }
  return out;
}

/** The width a figure needs for its title line (12 px bold monospace: about 0.62 em per character). */
function titleWidth(title: string): number {
  return 2 * MARGIN + Math.ceil(svgText(title).length * 12 * 0.62);
}

function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT}' font-size="${FONT_SIZE}">`,
    `<title>${svgText(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** What gridSvg draws: a rows x cols heatmap already mapped to colour indices. */
interface Grid {
  readonly title: string;
  readonly rowLabels: readonly string[];
  readonly colLabels: readonly string[];
  /** Viridis index per cell, row-major rows x cols. */
  readonly indices: Uint8Array;
  /** The weight the top of the colour bar stands for (outside 'row' mode). */
  readonly max: number;
  readonly mode: ColorMode;
  readonly threshold: number;
}

/** The heatmap with labels on both axes (rows: queries, columns: keys), a title and a legend. */
function gridSvg(grid: Grid): string {
  const rows = grid.rowLabels.length;
  const cols = grid.colLabels.length;
  const cell = Math.max(1, Math.min(14, Math.floor(720 / Math.max(1, rows, cols))));
  // Every `step`-th token is labelled so that labels never overlap.
  const step = Math.max(1, Math.ceil((FONT_SIZE + 1) / cell));
  const labelChars = Math.min(16, Math.max(4, ...[...grid.rowLabels, ...grid.colLabels].map((l) => svgText(l).length + 6)));
  const gutter = Math.ceil(labelChars * FONT_SIZE * 0.62);
  const left = MARGIN + gutter;
  const top = MARGIN + 18 + gutter;
  const width = Math.max(left + cell * cols + MARGIN, 360, titleWidth(grid.title));
  const legendTop = top + cell * rows + 14;
  const height = legendTop + 40;
  const short = (labels: readonly string[], i: number) => {
    const text = `${svgText(labels[i] ?? '')} #${i}`;
    return text.length > labelChars ? text.slice(0, labelChars - 1) + '…' : text;
  };

  const body: string[] = [`<text x="${MARGIN}" y="${MARGIN + 10}" font-size="12" font-weight="bold">${svgText(grid.title)}</text>`];
  body.push(`<g transform="translate(${left},${top})" shape-rendering="crispEdges">`, `<rect width="${cell * cols}" height="${cell * rows}" fill="${viridisHex(0)}"/>`);
  // One rect per run of equal colour in a row: vector, and far smaller than a rect per cell.
  for (let i = 0; i < rows; i++) {
    let j = 0;
    while (j < cols) {
      const c = grid.indices[i * cols + j];
      let end = j + 1;
      while (end < cols && grid.indices[i * cols + end] === c) end++;
      if (c !== 0) body.push(`<rect x="${j * cell}" y="${i * cell}" width="${(end - j) * cell}" height="${cell}" fill="${viridisHex(c)}"/>`);
      j = end;
    }
  }
  body.push('</g>');
  body.push(`<g class="query-labels" text-anchor="end">`);
  for (let i = 0; i < rows; i += step) body.push(`<text x="${left - 3}" y="${top + i * cell + cell / 2 + 3}" xml:space="preserve" data-index="${i}">${short(grid.rowLabels, i)}</text>`);
  body.push('</g>', `<g class="key-labels">`);
  for (let j = 0; j < cols; j += step) {
    const x = left + j * cell + cell / 2 + 3;
    body.push(`<text transform="translate(${x},${top - 3}) rotate(-90)" xml:space="preserve" data-index="${j}">${short(grid.colLabels, j)}</text>`);
  }
  body.push('</g>');
  body.push(`<text x="${MARGIN}" y="${top - 4}" font-size="9" fill="#555">query ↓ key →</text>`);

  // Legend: the colour bar and the weights its ends and quarters stand for.
  const stops = Array.from({ length: 17 }, (_, s) => `<stop offset="${s / 16}" stop-color="${viridisHex(Math.round((s / 16) * 255))}"/>`);
  const barWidth = Math.min(240, width - 2 * MARGIN - 60);
  body.push(`<defs><linearGradient id="legend">${stops.join('')}</linearGradient></defs>`);
  body.push(`<text x="${MARGIN}" y="${legendTop + 9}">weight</text>`);
  body.push(`<rect x="${MARGIN + 44}" y="${legendTop}" width="${barWidth}" height="10" fill="url(#legend)"/>`);
  for (const position of [0, 0.25, 0.5, 0.75, 1]) {
    const label = grid.mode === 'row' ? `${Math.round(position * 100)}% of row max` : legendValue(position, grid.max, grid.mode).toFixed(3);
    if (grid.mode === 'row' && position > 0 && position < 1) continue;
    body.push(`<text x="${MARGIN + 44 + position * barWidth}" y="${legendTop + 22}" text-anchor="middle" font-size="9">${label}</text>`);
  }
  const scale = grid.mode === 'sqrt' ? 'square-root scale' : grid.mode === 'row' ? 'each row scaled to its own max' : 'linear scale';
  body.push(`<text x="${MARGIN}" y="${legendTop + 34}" font-size="9" fill="#555">viridis, ${scale}${grid.threshold > 0 ? `, weights below ${grid.threshold} hidden` : ''}</text>`);
  return svgDocument(width, height, grid.title, body);
}

/** The T x T heatmap with token labels on both axes, a title and a legend. */
export function matrixSvg(figure: MatrixFigure): string {
  const { size, labels, mode, threshold } = figure;
  const max = colorMax(figure.matrix, size, mode);
  const indices = gridColorIndices(figure.matrix, size, size, mode, threshold, max);
  const axis = Array.from({ length: size }, (_, i) => labels[i] ?? '');
  return gridSvg({ title: figure.title, rowLabels: axis, colLabels: axis, indices, max, mode, threshold });
}

/** A cross-attention matrix: queries from one sequence, keys from another. */
export interface CrossMatrixFigure {
  readonly title: string;
  /** One label per query token (rows) and per key token (columns). */
  readonly queryLabels: readonly string[];
  readonly keyLabels: readonly string[];
  /** Row-major T_q x T_k weights. */
  readonly matrix: Float32Array;
  readonly mode: ColorMode;
  readonly threshold: number;
}

/**
 * The rectangular T_q x T_k heatmap of cross-attention, drawn as matrixSvg draws a T x T one;
 * the colour range tops at the largest weight of all rows (no causal first row to leave out).
 */
export function crossMatrixSvg(figure: CrossMatrixFigure): string {
  const rows = figure.queryLabels.length;
  const cols = figure.keyLabels.length;
  let max = 0;
  for (let i = 0; i < rows * cols; i++) max = Math.max(max, figure.matrix[i]);
  const indices = gridColorIndices(figure.matrix, rows, cols, figure.mode, figure.threshold, max > 0 ? max : 1);
  return gridSvg({ title: figure.title, rowLabels: figure.queryLabels, colLabels: figure.keyLabels, indices, max: max > 0 ? max : 1, mode: figure.mode, threshold: figure.threshold });
}

/** The source laid out as in the editor, each token shaded by its weight. */
export function tokensSvg(figure: TokensFigure): string {
  const charWidth = FONT_SIZE * 0.6;
  const lineHeight = FONT_SIZE * 1.7;
  const top = MARGIN + 24;
  let max = 0;
  if (figure.weights) for (const w of figure.weights) if (w >= figure.threshold) max = Math.max(max, w);
  const focus = new Set(figure.focus);
  const body: string[] = [`<text x="${MARGIN}" y="${MARGIN + 10}" font-size="12" font-weight="bold">${svgText(figure.title)}</text>`];
  let widest = 0;
  figure.lines.forEach((line, row) => {
    let column = 0;
    const y = top + row * lineHeight;
    for (const segment of line) {
      const text = segment.kind === 'text' ? segment.text.replace(/\t/g, '    ') : segment.label.replace(/\t/g, '    ');
      const x = MARGIN + column * charWidth;
      const width = Math.max(1, text.length) * charWidth;
      if (segment.kind === 'token') {
        const raw = figure.weights?.[segment.index] ?? 0;
        const w = max > 0 && raw >= figure.threshold ? raw / max : 0;
        const outline = focus.has(segment.index) ? ' stroke="#005a9e" stroke-width="1"' : '';
        const fill = w > 0.005 ? `rgba(${SHADE_RGB},${w.toFixed(3)})` : 'none';
        body.push(`<g class="token" data-index="${segment.index}" data-weight="${raw.toFixed(6)}">`);
        if (fill !== 'none' || outline) body.push(`<rect x="${x}" y="${y - FONT_SIZE}" width="${width}" height="${lineHeight - 2}" rx="2" fill="${fill}"${outline}/>`);
        body.push(`<text x="${x}" y="${y}" xml:space="preserve"${segment.special ? ' font-style="italic" fill="#6a1b9a"' : ''}>${svgText(text)}</text>`, '</g>');
      } else {
        body.push(`<text x="${x}" y="${y}" xml:space="preserve" fill="#777">${svgText(text)}</text>`);
      }
      column += Math.max(segment.kind === 'token' ? 1 : 0, text.length);
    }
    widest = Math.max(widest, column);
  });
  const width = Math.ceil(Math.max(360, 2 * MARGIN + widest * charWidth, titleWidth(figure.title)));
  const height = Math.ceil(top + figure.lines.length * lineHeight + MARGIN);
  return svgDocument(width, height, figure.title, body);
}
