/**
 * The heatmap's axes and legend: token labels (or index ticks, when cells are too small to read)
 * on two side strips for the visible rows and columns, and the colour legend with its ticks and
 * a note on the scale.
 */
import { l10n } from './l10n';
import { VIRIDIS } from '../src/shared/colorScale';
import { legendValue } from '../src/shared/heatmapPixels';
import type { TokenInfo } from '../src/shared/protocol';
import { escapedText } from '../src/shared/tokenText';
import { el } from './dom';
import type { HeatmapDisplay, HeatmapMarks } from './heatmapRenderer';
import type { Zoom } from './panelState';
import { cssVar } from './themeColors';

/** Token labels are drawn once a cell is this many CSS pixels tall; index ticks below. */
const LABEL_MIN_PX = 10;
/** Widths of the row strip and heights of the column strip, CSS pixels. */
export const ROW_STRIP = 96;
export const COL_STRIP = 72;

/** The two label strips beside the matrix (rows on the left, columns on top). */
export class HeatmapAxes {
  readonly rowStrip = el('canvas', { className: 'axis axis-rows', attrs: { 'aria-hidden': 'true' } });
  readonly colStrip = el('canvas', { className: 'axis axis-cols', attrs: { 'aria-hidden': 'true' } });

  /**
   * Draws labels for the rows and columns visible at `zoom` on a canvas `cssSide` CSS pixels wide;
   * returns what they show ('tokens' or 'indices').
   */
  render(cssSide: number, size: number, tokens: readonly TokenInfo[], zoom: Zoom, marks: HeatmapMarks): 'tokens' | 'indices' {
    const ratio = window.devicePixelRatio || 1;
    const { scale, x, y } = zoom;
    const span = size / scale;
    const cellCss = cssSide / span;
    const fg = cssVar('--vscode-descriptionForeground', '#999');
    const strong = cssVar('--vscode-foreground', '#ccc');
    const font = cssVar('--vscode-editor-font-family', 'monospace');
    const showTokens = cellCss >= LABEL_MIN_PX;
    // Either every visible token, or index ticks far enough apart to read.
    const step = showTokens ? 1 : Math.max(1, Math.pow(2, Math.ceil(Math.log2(16 / cellCss))));
    const first = Math.floor(Math.max(0, Math.min(x, y)) / step) * step;
    const label = (i: number) => (showTokens ? `${escapedText(tokens[i]?.text ?? '').slice(0, 12)} ${i}` : String(i));
    const fontPx = showTokens ? Math.min(12, Math.floor(cellCss - 1)) : 10;
    const shown = showTokens ? 'tokens' : 'indices';

    const rows = this.rowStrip;
    rows.width = Math.round(ROW_STRIP * ratio);
    rows.height = Math.round(cssSide * ratio);
    const rc = rows.getContext('2d');
    const cols = this.colStrip;
    cols.width = Math.round(cssSide * ratio);
    cols.height = Math.round(COL_STRIP * ratio);
    const cc = cols.getContext('2d');
    if (!rc || !cc) return shown;
    for (const c of [rc, cc]) {
      c.scale(ratio, ratio);
      c.font = `${fontPx}px ${font}`;
      c.textBaseline = 'middle';
    }
    rc.textAlign = 'right';
    for (let i = first; i < Math.min(size, y + span + 1); i += step) {
      if (i < y - 1) continue;
      rc.fillStyle = i === marks.cursor?.row || i === marks.marked ? strong : fg;
      rc.fillText(label(i), ROW_STRIP - 4, (i - y + 0.5) * cellCss);
    }
    cc.textAlign = 'left';
    for (let j = first; j < Math.min(size, x + span + 1); j += step) {
      if (j < x - 1) continue;
      cc.save();
      cc.translate((j - x + 0.5) * cellCss, COL_STRIP - 4);
      cc.rotate(-Math.PI / 3);
      cc.fillStyle = j === marks.cursor?.col ? strong : fg;
      cc.fillText(label(j), 0, 0);
      cc.restore();
    }
    return shown;
  }
}

/** The colour legend: the viridis bar, five ticks and a note on the scale and threshold. */
export class HeatmapLegend {
  private readonly bar = el('canvas', { className: 'legend-bar', attrs: { width: '256', height: '1', 'aria-hidden': 'true' } });
  private readonly ticks = el('div', { className: 'legend-ticks' });
  private readonly note = el('span', { className: 'legend-note' });
  readonly element = el('div', { className: 'legend' }, el('span', { className: 'legend-label', text: l10n.t('weight') }), el('div', { className: 'legend-scale' }, this.bar, this.ticks), this.note);

  constructor() {
    const context = this.bar.getContext('2d');
    if (!context) return;
    const image = context.createImageData(256, 1);
    for (let i = 0; i < 256; i++) image.data.set([VIRIDIS[i * 3], VIRIDIS[i * 3 + 1], VIRIDIS[i * 3 + 2], 255], i * 4);
    context.putImageData(image, 0, 0);
  }

  /** Ticks and note for colours that run up to `max` under `display`. */
  update(display: HeatmapDisplay, max: number): void {
    const { mode, threshold } = display;
    const format = (v: number) => (mode === 'row' ? `${Math.round(v * 100)}%` : v < 0.01 && v > 0 ? v.toExponential(1) : v.toFixed(3));
    this.ticks.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map((p) => {
      const tick = el('span', { text: format(legendValue(p, max, mode)) });
      tick.style.left = `${p * 100}%`;
      return tick;
    }));
    const scale = mode === 'sqrt' ? l10n.t('√ scale (colour ∝ √weight)') : mode === 'linear' ? l10n.t('linear scale') : l10n.t('each row scaled to its own max');
    const top = mode === 'row' ? '' : ` · ${l10n.t('top = {0}, the largest weight below row 0', max.toFixed(3))}`;
    const hidden = threshold > 0 ? ` · ${l10n.t('weights < {0} hidden', threshold.toFixed(2))}` : '';
    this.note.textContent = `${scale}${top}${hidden}`;
  }
}
