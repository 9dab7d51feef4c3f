/**
 * The cross-attention view (encoder–decoder attention): the query sequence and the key sequence
 * side by side, and the rectangular T_q × T_k matrix with rows labelled by query tokens and columns
 * by key tokens. Hovering or clicking a query (a chip or a matrix row) shades the keys it attends
 * to. Used by the attention file editor and the notebook renderer; data comes in whole.
 */
import { cssColor } from '../../src/shared/colorScale';
import { crossMatrix } from '../../src/shared/crossAttention';
import { crossMatrixSvg } from '../../src/shared/svgFigure';
import type { HeadSelector } from '../../src/shared/protocol';
import type { SourceToken } from '../../src/shared/tokens';
import { chipLabel } from '../../src/shared/tokenLayout';
import { quotedText } from '../../src/shared/tokenText';
import { Controls, type Selection } from '../controls';
import { el } from '../dom';
import { ExportBar, svgToPng } from '../exportBar';
import { l10n } from '../l10n';

/** A sequence as laid out: its text and tokens with offsets into it (src/shared/fileTokens.ts). */
export interface CrossSequence {
  readonly text: string;
  readonly tokens: readonly SourceToken[];
}

export interface CrossData {
  readonly modelName: string;
  readonly layers: number;
  readonly heads: number;
  readonly queries: CrossSequence;
  readonly keys: CrossSequence;
  /** Per layer [heads, T_q, T_k] row-major. */
  readonly attention: readonly Float32Array[];
}

/** The SVG and PNG buttons, enabled: the whole file is here from the start. */
function exportBar(sink: CrossFigureSink, onExport: (format: 'svg' | 'png', sink: CrossFigureSink) => void): HTMLElement {
  const bar = new ExportBar((format) => onExport(format === 'png' ? 'png' : 'svg', sink), ['svg', 'png']);
  bar.setEnabled(true);
  return bar.element;
}

/** Where a figure of the shown matrix goes (the file editor saves it; a notebook has no exports). */
export type CrossFigureSink = (format: 'svg' | 'png', name: string, data: string | ArrayBuffer) => void;

const LABEL_ROWS = 120;
const LABEL_COLS = 90;

function labels(sequence: CrossSequence): string[] {
  return sequence.tokens.map((token) => chipLabel(sequence.text, token).replace(/\n/g, '\u21b5'));
}

export class CrossView {
  readonly element = el('div', { className: 'cross-view' });
  private readonly canvas = el('canvas', { className: 'cross-matrix', attrs: { 'aria-label': l10n.t('Cross-attention matrix: rows are query tokens, columns are key tokens') } });
  private readonly readout = el('div', { className: 'readout', attrs: { 'aria-live': 'polite' }, text: l10n.t('Hover the matrix to read a weight.') });
  private readonly queryChips: HTMLElement[];
  private readonly keyChips: HTMLElement[];
  private readonly queryLabels: string[];
  private readonly keyLabels: string[];
  private selection: HeadSelector = { layer: 0, head: 'mean' };
  private matrix: Float32Array | undefined;
  private pinned: number | undefined;
  private hovered: number | undefined;
  private cell = 12;

  constructor(
    private readonly data: CrossData,
    onFigure?: CrossFigureSink,
  ) {
    const tq = data.queries.tokens.length;
    const tk = data.keys.tokens.length;
    this.queryLabels = labels(data.queries);
    this.keyLabels = labels(data.keys);
    const controls = new Controls((next: Selection) => {
      this.selection = { layer: next.layer, head: next.head === 'rollout' ? 'mean' : next.head };
      this.draw();
    });
    controls.setShape(data.layers, data.heads, this.selection);
    const chip = (label: string, index: number, role: 'query' | 'key') =>
      el('span', { className: 'chip', text: label, attrs: { role: 'listitem', 'data-index': String(index), 'data-role': role, title: `${role} #${index}` } });
    this.queryChips = this.queryLabels.map((label, i) => chip(label, i, 'query'));
    this.keyChips = this.keyLabels.map((label, i) => chip(label, i, 'key'));
    const queryList = el('div', { className: 'token-view cross-queries', attrs: { role: 'list', 'aria-label': l10n.t('Query tokens') } }, ...this.queryChips);
    const keyList = el('div', { className: 'token-view cross-keys', attrs: { role: 'list', 'aria-label': l10n.t('Key tokens') } }, ...this.keyChips);
    queryList.addEventListener('mouseover', (e) => this.hover(this.indexOf(e.target)));
    queryList.addEventListener('mouseleave', () => this.hover(undefined));
    queryList.addEventListener('click', (e) => this.pin(this.indexOf(e.target)));
    this.canvas.addEventListener('mousemove', (e) => this.onMatrixMove(e));
    this.canvas.addEventListener('mouseleave', () => this.hover(undefined));
    this.canvas.addEventListener('click', (e) => this.pin(this.cellAt(e)?.row));
    this.element.append(
      el(
        'header',
        {},
        controls.element,
        ...(onFigure ? [exportBar(onFigure, (format, sink) => void this.exportFigure(format, sink))] : []),
        el('div', { className: 'summary', text: l10n.t('{0} · {1} layers × {2} heads · cross-attention: {3} query × {4} key tokens', data.modelName, data.layers, data.heads, tq, tk) }),
      ),
      el('div', { className: 'status', attrs: { role: 'status' }, text: l10n.t('Hover a query token (left, or a matrix row) to see which key tokens it attends to; click to pin it.') }),
      el(
        'div',
        { className: 'cross-sequences' },
        el('section', { className: 'cross-sequence' }, el('h3', { text: l10n.t('Queries ({0} tokens)', tq) }), queryList),
        el('section', { className: 'cross-sequence' }, el('h3', { text: l10n.t('Keys ({0} tokens)', tk) }), keyList),
      ),
      el('section', { className: 'cross-matrix-pane' }, this.canvas, this.readout),
    );
    this.draw();
  }

  /** The shown layer/head as a figure (the same √ colour scale as drawn), handed to `sink`. */
  private async exportFigure(format: 'svg' | 'png', sink: CrossFigureSink): Promise<void> {
    if (!this.matrix) return;
    const { layer, head } = this.selection;
    const headName =
      typeof head === 'number' ? l10n.t('layer {0}, head {1}', layer, head) : head === 'mean' ? l10n.t('layer {0}, mean of heads', layer) : l10n.t('layer {0}, max of heads', layer);
    const svg = crossMatrixSvg({
      title: `${this.data.modelName} · ${l10n.t('cross-attention')} · ${headName}`,
      queryLabels: this.queryLabels,
      keyLabels: this.keyLabels,
      matrix: this.matrix,
      mode: 'sqrt',
      threshold: 0,
    });
    const name = `cross-attention-L${layer}${typeof head === 'number' ? `H${head}` : head}`;
    sink(format, name, format === 'svg' ? svg : await svgToPng(svg, 2));
    this.element.dataset.exported = format;
  }

  private indexOf(target: EventTarget | null): number | undefined {
    const index = (target as HTMLElement | null)?.dataset?.index;
    return index === undefined ? undefined : Number(index);
  }

  private hover(row: number | undefined): void {
    this.hovered = row;
    this.shade();
  }

  private pin(row: number | undefined): void {
    if (row === undefined) return;
    this.pinned = this.pinned === row ? undefined : row;
    this.shade();
  }

  private draw(): void {
    const { data, selection } = this;
    const tq = data.queries.tokens.length;
    const tk = data.keys.tokens.length;
    this.matrix = crossMatrix(data.attention[selection.layer], data.heads, tq, tk, selection.head);
    if (!this.matrix) return;
    this.cell = Math.max(3, Math.min(24, Math.floor(Math.min(640 / tk, 480 / tq))));
    this.paint();
    this.shade();
    this.element.dataset.drawn = `${selection.layer}:${selection.head}`;
  }

  private paint(): void {
    const matrix = this.matrix;
    if (!matrix) return;
    const tq = this.queryLabels.length;
    const tk = this.keyLabels.length;
    const { cell } = this;
    const ratio = window.devicePixelRatio || 1;
    // Room on the right for the last key's slanted label.
    const width = LABEL_ROWS + tk * cell + LABEL_COLS / 2;
    const height = LABEL_COLS + tq * cell;
    this.canvas.width = width * ratio;
    this.canvas.height = height * ratio;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    let max = 0;
    for (const value of matrix) if (value > max) max = value;
    for (let i = 0; i < tq; i++) {
      for (let j = 0; j < tk; j++) {
        ctx.fillStyle = cssColor(matrix[i * tk + j], max || 1, 0.5);
        ctx.fillRect(LABEL_ROWS + j * cell, LABEL_COLS + i * cell, cell, cell);
      }
    }
    const focus = this.hovered ?? this.pinned;
    const style = getComputedStyle(document.body);
    if (focus !== undefined) {
      ctx.strokeStyle = style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL_ROWS, LABEL_COLS + focus * cell, tk * cell, cell);
    }
    if (cell < 8) return;
    ctx.fillStyle = style.getPropertyValue('--vscode-foreground').trim() || '#888';
    ctx.font = `${Math.min(12, cell - 1)}px ${style.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace'}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    this.queryLabels.forEach((label, i) => ctx.fillText(`${label} ${i}`, LABEL_ROWS - 4, LABEL_COLS + (i + 0.5) * cell, LABEL_ROWS - 8));
    this.keyLabels.forEach((label, j) => {
      ctx.save();
      ctx.translate(LABEL_ROWS + (j + 0.5) * cell, LABEL_COLS - 4);
      ctx.rotate(-Math.PI / 3);
      ctx.textAlign = 'left';
      ctx.fillText(`${label} ${j}`, 0, 0, LABEL_COLS);
      ctx.restore();
    });
  }

  private cellAt(e: MouseEvent): { row: number; col: number } | undefined {
    const rect = this.canvas.getBoundingClientRect();
    const row = Math.floor((e.clientY - rect.top - LABEL_COLS) / this.cell);
    const col = Math.floor((e.clientX - rect.left - LABEL_ROWS) / this.cell);
    return row >= 0 && row < this.queryLabels.length && col >= 0 && col < this.keyLabels.length ? { row, col } : undefined;
  }

  private onMatrixMove(e: MouseEvent): void {
    const at = this.cellAt(e);
    if (!at || !this.matrix) return;
    const weight = this.matrix[at.row * this.keyLabels.length + at.col];
    this.readout.textContent = `${l10n.t('query #{0} {1} → key #{2} {3}', at.row, quotedText(this.queryLabels[at.row]), at.col, quotedText(this.keyLabels[at.col]))}: ${weight.toFixed(4)}`;
    if (this.hovered !== at.row) this.hover(at.row);
  }

  /** Shades the key chips by the focused query's row, and outlines the query. */
  private shade(): void {
    const focus = this.hovered ?? this.pinned;
    this.queryChips.forEach((chip, i) => chip.classList.toggle('focus', i === focus));
    const tk = this.keyLabels.length;
    const row = focus !== undefined && this.matrix ? this.matrix.subarray(focus * tk, (focus + 1) * tk) : undefined;
    let max = 0;
    if (row) for (const value of row) if (value > max) max = value;
    this.keyChips.forEach((chip, j) => {
      const weight = row ? row[j] : undefined;
      chip.style.background = weight === undefined || max === 0 ? '' : `color-mix(in srgb, var(--shade) ${Math.round((100 * weight) / max)}%, transparent)`;
      chip.title = weight === undefined ? `key #${j}` : `key #${j}: ${weight.toFixed(4)}`;
    });
    this.element.dataset.focus = focus === undefined ? '' : String(focus);
    this.paint();
  }
}

/** Styles of the cross view, added to the panel's stylesheet. */
export const CROSS_CSS = `
.cross-sequences { display: flex; gap: 16px; align-items: flex-start; margin: 8px 0; }
.cross-sequence { flex: 1 1 0; min-width: 0; }
.cross-sequence h3 { font-size: 1em; font-weight: 600; margin: 4px 0; }
.cross-sequence .token-view { display: flex; flex-wrap: wrap; gap: 4px; }
.cross-view .chip.focus { outline: 2px solid var(--vscode-focusBorder); }
.cross-matrix-pane { overflow: auto; }
`;
