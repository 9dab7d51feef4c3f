/**
 * Figures for papers and slides: the matrix and token views as standalone SVG, with real <text>
 * (selectable, searchable, sharp at any size) and the panel's own colour mapping. Pure: builds
 * strings, so the webview (SVG and PNG export) and the tests share it.
 */
import { VIRIDIS, colorIndex } from './colorScale';
import { colorMax, legendValue, rowMax, type ColorMode } from './heatmapPixels';
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
  const out = new Uint8Array(size * size);
  const gamma = mode === 'sqrt' ? 0.5 : 1;
  const globalMax = colorMax(matrix, size, mode);
  for (let i = 0; i < size; i++) {
    const max = mode === 'row' ? rowMax(matrix, size, i) : globalMax;
    for (let j = 0; j < size; j++) {
      const value = matrix[i * size + j];
      out[i * size + j] = value > 0 && value >= threshold && max > 0 ? colorIndex(Math.min(value, max), max, gamma) : 0;
    }
  }
  return out;
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

/** The T x T heatmap with token labels on both axes, a title and a legend. */
export function matrixSvg(figure: MatrixFigure): string {
  const { size, labels } = figure;
  const cell = Math.max(1, Math.min(14, Math.floor(720 / Math.max(1, size))));
  // Every `step`-th token is labelled so that labels never overlap.
  const step = Math.max(1, Math.ceil((FONT_SIZE + 1) / cell));
  const labelChars = Math.min(16, Math.max(4, ...labels.map((l) => svgText(l).length + 6)));
  const gutter = Math.ceil(labelChars * FONT_SIZE * 0.62);
  const left = MARGIN + gutter;
  const top = MARGIN + 18 + gutter;
  const side = cell * size;
  const legendTop = top + side + 14;
  const width = Math.max(left + side + MARGIN, 360);
  const height = legendTop + 40;
  const short = (i: number) => {
    const text = `${svgText(labels[i] ?? '')} #${i}`;
    return text.length > labelChars ? text.slice(0, labelChars - 1) + '…' : text;
  };

  const body: string[] = [`<text x="${MARGIN}" y="${MARGIN + 10}" font-size="12" font-weight="bold">${svgText(figure.title)}</text>`];
  body.push(`<g transform="translate(${left},${top})" shape-rendering="crispEdges">`, `<rect width="${side}" height="${side}" fill="${viridisHex(0)}"/>`);
  const indices = cellColorIndices(figure.matrix, size, figure.mode, figure.threshold);
  // One rect per run of equal colour in a row: vector, and far smaller than a rect per cell.
  for (let i = 0; i < size; i++) {
    let j = 0;
    while (j < size) {
      const c = indices[i * size + j];
      let end = j + 1;
      while (end < size && indices[i * size + end] === c) end++;
      if (c !== 0) body.push(`<rect x="${j * cell}" y="${i * cell}" width="${(end - j) * cell}" height="${cell}" fill="${viridisHex(c)}"/>`);
      j = end;
    }
  }
  body.push('</g>');
  body.push(`<g class="query-labels" text-anchor="end">`);
  for (let i = 0; i < size; i += step) body.push(`<text x="${left - 3}" y="${top + i * cell + cell / 2 + 3}" xml:space="preserve" data-index="${i}">${short(i)}</text>`);
  body.push('</g>', `<g class="key-labels">`);
  for (let j = 0; j < size; j += step) {
    const x = left + j * cell + cell / 2 + 3;
    body.push(`<text transform="translate(${x},${top - 3}) rotate(-90)" xml:space="preserve" data-index="${j}">${short(j)}</text>`);
  }
  body.push('</g>');
  body.push(`<text x="${MARGIN}" y="${top - 4}" font-size="9" fill="#555">query ↓ key →</text>`);

  // Legend: the colour bar and the weights its ends and quarters stand for.
  const max = colorMax(figure.matrix, size, figure.mode);
  const stops = Array.from({ length: 17 }, (_, s) => `<stop offset="${s / 16}" stop-color="${viridisHex(Math.round((s / 16) * 255))}"/>`);
  const barWidth = Math.min(240, width - 2 * MARGIN - 60);
  body.push(`<defs><linearGradient id="legend">${stops.join('')}</linearGradient></defs>`);
  body.push(`<text x="${MARGIN}" y="${legendTop + 9}">weight</text>`);
  body.push(`<rect x="${MARGIN + 44}" y="${legendTop}" width="${barWidth}" height="10" fill="url(#legend)"/>`);
  for (const position of [0, 0.25, 0.5, 0.75, 1]) {
    const label = figure.mode === 'row' ? `${Math.round(position * 100)}% of row max` : legendValue(position, max, figure.mode).toFixed(3);
    if (figure.mode === 'row' && position > 0 && position < 1) continue;
    body.push(`<text x="${MARGIN + 44 + position * barWidth}" y="${legendTop + 22}" text-anchor="middle" font-size="9">${label}</text>`);
  }
  const scale = figure.mode === 'sqrt' ? 'square-root scale' : figure.mode === 'row' ? 'each row scaled to its own max' : 'linear scale';
  body.push(`<text x="${MARGIN}" y="${legendTop + 34}" font-size="9" fill="#555">viridis, ${scale}${figure.threshold > 0 ? `, weights below ${figure.threshold} hidden` : ''}</text>`);
  return svgDocument(width, height, figure.title, body);
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
  const width = Math.ceil(Math.max(360, 2 * MARGIN + widest * charWidth));
  const height = Math.ceil(top + figure.lines.length * lineHeight + MARGIN);
  return svgDocument(width, height, figure.title, body);
}
