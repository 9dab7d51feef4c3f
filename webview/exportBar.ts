/**
 * The export buttons (SVG, PNG at 2x, JSON) and the rasteriser that turns the SVG figure into a
 * PNG: the PNG is the same drawing as the SVG, so the two never disagree.
 */
import type { ExportFormat } from '../src/shared/protocol';
import { el } from './dom';
import { l10n } from './l10n';

const LABELS: Record<ExportFormat, { text: string; title: string }> = {
  svg: { text: 'SVG', title: l10n.t('Export the current view (tokens, or the matrix) as an SVG figure with real text') },
  png: { text: 'PNG', title: l10n.t('Export the current view (tokens, or the matrix) as a PNG at twice its size') },
  json: { text: 'JSON', title: l10n.t('Export the whole result (tokens, offsets, ids, model, attention of every layer and head) as JSON') },
};

/** A group of buttons (not a tab): disabled until there is a result to export. */
export class ExportBar {
  readonly element = el('div', { className: 'export-bar', attrs: { role: 'group', 'aria-label': l10n.t('Export') } }, el('span', { className: 'export-label', text: l10n.t('Export') }));
  private readonly buttons: HTMLButtonElement[] = [];

  /** `formats`: the buttons shown, in this order (a view with no JSON form leaves it out). */
  constructor(onExport: (format: ExportFormat) => void, formats: readonly ExportFormat[] = ['svg', 'png', 'json']) {
    for (const format of formats) {
      const button = el('button', { className: 'export', text: LABELS[format].text, attrs: { type: 'button', id: `export-${format}`, title: LABELS[format].title } });
      button.addEventListener('click', () => onExport(format));
      this.buttons.push(button);
      this.element.append(button);
    }
    this.setEnabled(false);
  }

  /** Enabled only while a result (and its matrix) is shown: a restored panel has none. */
  setEnabled(enabled: boolean): void {
    for (const button of this.buttons) button.disabled = !enabled;
  }
}

/** Draws an SVG document into a canvas at `scale` and returns the PNG bytes. */
export async function svgToPng(svg: string, scale: number): Promise<ArrayBuffer> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(image.naturalWidth * scale);
  canvas.height = Math.ceil(image.naturalHeight * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the PNG encoder returned nothing');
  return blob.arrayBuffer();
}
