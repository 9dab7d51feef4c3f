/**
 * The model view: every head of every layer as a thumbnail (pooled on the host to at most
 * THUMB_SIDE per side), with badges from the host's per-head scores; sortable by a score.
 * Clicking a thumbnail focuses that head.
 */
import { VIRIDIS, colorIndex } from '../src/shared/colorScale';
import { HEAD_SCORE_NAMES, type HeadScoreName } from '../src/shared/protocol';
import { headName } from './accessibleNames';
import { l10n } from './l10n';
import { el } from './dom';
import type { SortKey } from './panelState';

export const THUMB_SIDE = 64;

export interface Thumbnails {
  readonly layers: number;
  readonly heads: number;
  readonly side: number;
  readonly data: Float32Array;
  readonly scores: Float32Array;
}

const SCORE_LABELS: Record<HeadScoreName, string> = {
  previous: l10n.t('previous-token'),
  bracket: l10n.t('bracket match'),
  induction: l10n.t('induction-like'),
  entropy: l10n.t('entropy (bits, low first)'),
  sparsity: l10n.t('sparsity'),
};
/** The badges' abbreviations (H: entropy's symbol, the same in every language). */
const SHORT: Record<HeadScoreName, string> = { previous: l10n.t('prev'), bracket: l10n.t('brkt'), induction: l10n.t('ind'), entropy: 'H', sparsity: l10n.t('sparse') };
/** A badge is drawn strong above these (entropy: below). */
const STRONG: Record<HeadScoreName, number> = { previous: 0.5, bracket: 0.5, induction: 0.3, entropy: 1, sparsity: 0.8 };

export interface ModelViewEvents {
  onPick(layer: number, head: number): void;
  onSort(sort: SortKey): void;
  onPool(pool: 'max' | 'mean'): void;
}

export class ModelView {
  readonly element = el('div', { className: 'model-view' });
  private readonly sort = el('select', { attrs: { id: 'sort', 'aria-label': l10n.t('Sort heads by') } },
    el('option', { text: l10n.t('layer order'), attrs: { value: 'layer' } }),
    ...HEAD_SCORE_NAMES.map((name) => el('option', { text: SCORE_LABELS[name], attrs: { value: name } })));
  private readonly pool = el('select', { attrs: { id: 'pool', 'aria-label': l10n.t('Pooling') } },
    el('option', { text: l10n.t('max-pool'), attrs: { value: 'max' } }),
    el('option', { text: l10n.t('mean-pool'), attrs: { value: 'mean' } }));
  private readonly grid = el('div', { className: 'thumb-grid', attrs: { role: 'group', 'aria-label': l10n.t('Heads') } });
  private readonly note = el('div', { className: 'hint' });
  private thumbs: Thumbnails | undefined;
  private selected: { layer: number; head: number | string } = { layer: 0, head: 0 };
  private sortKey: SortKey = 'layer';

  constructor(private readonly events: ModelViewEvents) {
    this.element.append(
      el('div', { className: 'controls' }, el('label', { text: `${l10n.t('Sort by')} `, attrs: { for: 'sort' } }), this.sort, el('label', { text: `${l10n.t('Thumbnails')} `, attrs: { for: 'pool' } }), this.pool, this.note),
      this.grid,
    );
    this.sort.addEventListener('change', () => {
      this.sortKey = this.sort.value as SortKey;
      this.events.onSort(this.sortKey);
      this.render();
    });
    this.pool.addEventListener('change', () => this.events.onPool(this.pool.value === 'mean' ? 'mean' : 'max'));
    this.grid.addEventListener('click', (e) => {
      const tile = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('.thumb') : null;
      if (tile) this.events.onPick(Number(tile.dataset.layer), Number(tile.dataset.head));
    });
  }

  setOptions(sort: SortKey, pool: 'max' | 'mean'): void {
    this.sortKey = sort;
    this.sort.value = sort;
    this.pool.value = pool;
  }

  clear(): void {
    this.thumbs = undefined;
    this.grid.replaceChildren(el('p', { className: 'hint', text: l10n.t('Loading thumbnails…') }));
  }

  show(thumbs: Thumbnails, size: number): void {
    this.thumbs = thumbs;
    this.note.textContent = l10n.t('{0} layers × {1} heads · {2} tokens pooled to {3}×{3} · scores from the full matrices', thumbs.layers, thumbs.heads, size, thumbs.side);
    this.render();
  }

  select(layer: number, head: number | string): void {
    this.selected = { layer, head };
    for (const tile of this.grid.querySelectorAll<HTMLElement>('.thumb')) {
      const on = Number(tile.dataset.layer) === layer && Number(tile.dataset.head) === head;
      tile.setAttribute('aria-pressed', String(on));
    }
  }

  private score(layer: number, head: number, name: HeadScoreName): number {
    const t = this.thumbs!;
    return t.scores[(layer * t.heads + head) * HEAD_SCORE_NAMES.length + HEAD_SCORE_NAMES.indexOf(name)];
  }

  private render(): void {
    const t = this.thumbs;
    if (!t) return;
    const order: { layer: number; head: number }[] = [];
    for (let l = 0; l < t.layers; l++) for (let h = 0; h < t.heads; h++) order.push({ layer: l, head: h });
    const key = this.sortKey;
    if (key !== 'layer') {
      // Entropy: most focused (lowest) first; other scores: highest first; NaN last.
      const value = (o: { layer: number; head: number }) => {
        const v = this.score(o.layer, o.head, key);
        return Number.isNaN(v) ? -Infinity : key === 'entropy' ? -v : v;
      };
      order.sort((a, b) => value(b) - value(a));
    }
    this.grid.dataset.sorted = key;
    this.grid.style.setProperty('--columns', String(key === 'layer' ? t.heads : Math.min(8, t.heads * t.layers)));
    const tiles = order.map(({ layer, head }, rank) => this.tile(layer, head, key === 'layer' ? undefined : rank + 1));
    if (key === 'layer') {
      const rows: HTMLElement[] = [];
      for (let l = 0; l < t.layers; l++) rows.push(el('div', { className: 'layer-label', text: `L${l}` }), ...tiles.slice(l * t.heads, (l + 1) * t.heads));
      this.grid.replaceChildren(...rows);
      this.grid.classList.add('by-layer');
    } else {
      this.grid.replaceChildren(...tiles);
      this.grid.classList.remove('by-layer');
    }
    this.select(this.selected.layer, this.selected.head);
  }

  private tile(layer: number, head: number, rank: number | undefined): HTMLElement {
    const t = this.thumbs!;
    const cells = t.side * t.side;
    const values = t.data.subarray((layer * t.heads + head) * cells, (layer * t.heads + head + 1) * cells);
    const canvas = el('canvas', { attrs: { width: String(t.side), height: String(t.side), 'aria-hidden': 'true' } });
    const context = canvas.getContext('2d');
    if (context && cells > 0) {
      let max = 0;
      for (let i = t.side; i < cells; i++) if (values[i] > max) max = values[i];
      if (max === 0) max = 1;
      const image = context.createImageData(t.side, t.side);
      for (let i = 0; i < cells; i++) {
        const c = colorIndex(values[i], max, 0.5) * 3;
        image.data[i * 4] = VIRIDIS[c];
        image.data[i * 4 + 1] = VIRIDIS[c + 1];
        image.data[i * 4 + 2] = VIRIDIS[c + 2];
        image.data[i * 4 + 3] = 255;
      }
      context.putImageData(image, 0, 0);
    }
    const badges = el('div', { className: 'badges', attrs: { 'aria-hidden': 'true' } });
    const shown: HeadScoreName[] = this.sortKey === 'layer' ? ['previous', 'entropy'] : [this.sortKey, ...(this.sortKey === 'previous' ? [] : (['previous'] as const))];
    for (const name of HEAD_SCORE_NAMES) {
      const v = this.score(layer, head, name);
      if (Number.isNaN(v)) continue;
      const strong = name === 'entropy' ? v <= STRONG.entropy : v >= STRONG[name];
      if (!shown.includes(name) && !strong) continue;
      badges.append(el('span', { className: `badge${strong ? ' strong' : ''}`, text: `${SHORT[name]} ${name === 'entropy' ? v.toFixed(1) : v.toFixed(2)}` }));
    }
    const details = HEAD_SCORE_NAMES.map((name) => `${SCORE_LABELS[name]}: ${Number.isNaN(this.score(layer, head, name)) ? l10n.t('n/a') : this.score(layer, head, name).toFixed(3)}`).join('\n');
    // The spoken name carries every score (the badges show only some, abbreviated; they and the
    // short name are hidden from screen readers).
    const spoken = headName(layer, head, rank, HEAD_SCORE_NAMES.map((name) => [SCORE_LABELS[name], this.score(layer, head, name)] as const));
    return el('button', {
      className: 'thumb',
      attrs: { type: 'button', 'data-layer': String(layer), 'data-head': String(head), 'aria-pressed': 'false', title: `${l10n.t('Layer {0}, head {1}', layer, head)}\n${details}` },
    }, canvas, el('span', { className: 'thumb-name', attrs: { 'aria-hidden': 'true' }, text: `${rank !== undefined ? `${rank}. ` : ''}L${layer} H${head}` }), badges,
    // Named from this text (no aria-label, so the name never contradicts the visible one).
    el('span', { className: 'visually-hidden', text: spoken }));
  }
}
