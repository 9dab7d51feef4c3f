/**
 * The token view: the analysed text laid out as in the editor (line breaks, indentation), each
 * token a chip. Focusing a token (hover, click to pin, shift-click for a span, arrow keys) shades
 * every chip by weight; a details list gives the exact top weights, and each chip's tooltip its own.
 */
import { escapedText } from '../src/shared/tokenText';
import { topKeys } from '../src/shared/attentionMath';
import type { TokenInfo } from '../src/shared/protocol';
import { layoutTokens } from '../src/shared/tokenLayout';
import { el } from './dom';

export interface TokenViewEvents {
  onHover(index: number | undefined): void;
  /** `extend`: shift held, the span grows from the pinned token to `index`. */
  onClick(index: number, extend: boolean): void;
  onReveal(index: number): void;
  /** Arrow keys on the focused view: move (or, with shift, extend) the focus by `delta`. */
  onStep(delta: number, extend: boolean): void;
}

/** What the shading stands for, for the details list. */
export interface ShadeInfo {
  readonly description: string;
  /** Tokens in focus (query, or span), outlined. */
  readonly focus: readonly number[];
  readonly threshold: number;
}

const TOP_K = 8;

export class TokenView {
  readonly element = el('div', { className: 'token-pane' });
  private readonly text = el('div', { className: 'token-view', attrs: { role: 'list', 'aria-label': 'Tokens (arrow keys move the focus, shift extends a span)', tabindex: '0' } });
  private readonly details = el('div', { className: 'token-details', attrs: { id: 'token-details', 'aria-live': 'polite' } });
  private chips: HTMLElement[] = [];
  private labels: string[] = [];

  constructor(private readonly events: TokenViewEvents) {
    this.element.append(this.text, this.details);
    this.text.addEventListener('mouseover', (e) => this.events.onHover(this.indexOf(e.target)));
    this.text.addEventListener('mouseleave', () => this.events.onHover(undefined));
    this.text.addEventListener('click', (e) => {
      const index = this.indexOf(e.target);
      if (index !== undefined) this.events.onClick(index, e.shiftKey);
    });
    this.text.addEventListener('dblclick', (e) => {
      const index = this.indexOf(e.target);
      if (index !== undefined) this.events.onReveal(index);
    });
    this.text.addEventListener('keydown', (e) => {
      const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (delta === 0) return;
      e.preventDefault();
      this.events.onStep(delta, e.shiftKey);
    });
  }

  render(text: string, tokens: readonly TokenInfo[]): void {
    const fragment = document.createDocumentFragment();
    this.chips = [];
    this.labels = [];
    layoutTokens(text, tokens).forEach((line, i) => {
      if (i > 0) fragment.append('\n');
      for (const segment of line) {
        if (segment.kind === 'text') {
          fragment.append(segment.text);
          continue;
        }
        const token = tokens[segment.index];
        const chip = el('span', {
          className: `chip${segment.special ? ' special' : ''}${segment.label.trim() === '' ? ' blank' : ''}`,
          text: segment.label,
          attrs: { role: 'listitem', 'data-index': String(segment.index), title: `#${segment.index} id ${token.id}` },
        });
        this.chips.push(chip);
        this.labels.push(token.special ? token.text : text.slice(token.start, token.end));
        fragment.append(chip);
      }
    });
    this.text.replaceChildren(fragment);
    this.details.replaceChildren(el('p', { className: 'hint', text: 'Hover a token to see what it attends to; click to pin it; shift-click to select a span; double-click to reveal it in the editor.' }));
  }

  /**
   * Shade chips by `weights` (one per token) relative to their max; undefined clears. Weights
   * below `info.threshold` are not shaded.
   */
  shade(weights: Float32Array | undefined, info: ShadeInfo | undefined): void {
    let max = 0;
    if (weights) for (let j = 0; j < weights.length; j++) if (weights[j] >= (info?.threshold ?? 0)) max = Math.max(max, weights[j]);
    const focus = new Set(info?.focus ?? []);
    this.chips.forEach((chip, j) => {
      const raw = weights ? weights[j] : 0;
      const w = weights && max > 0 && raw >= (info?.threshold ?? 0) ? raw / max : 0;
      chip.style.setProperty('--w', w.toFixed(3));
      chip.classList.toggle('shaded', w > 0.005);
      chip.classList.toggle('query', focus.has(j));
      if (weights) {
        chip.dataset.weight = raw.toFixed(4);
        chip.title = `#${j} "${escapedText(this.labels[j])}" · weight ${raw.toFixed(4)}`;
      } else {
        delete chip.dataset.weight;
      }
    });
    this.showDetails(weights, info);
  }

  private showDetails(weights: Float32Array | undefined, info: ShadeInfo | undefined): void {
    if (!weights || !info) return;
    const list = el('ol', { className: 'top-list' });
    for (const k of topKeys(weights, TOP_K)) {
      const bar = el('span', { className: 'bar' });
      bar.style.setProperty('--w', String(Math.min(1, weights[k])));
      list.append(el('li', {}, el('span', { className: 'top-token', text: `#${k} "${escapedText(this.labels[k] ?? '')}"` }), bar, el('span', { className: 'top-weight', text: weights[k].toFixed(4) })));
    }
    this.details.replaceChildren(el('div', { className: 'details-title', text: info.description }), list);
  }

  private indexOf(target: EventTarget | null): number | undefined {
    const chip = target instanceof HTMLElement ? target.closest<HTMLElement>('.chip') : null;
    return chip?.dataset.index !== undefined ? Number(chip.dataset.index) : undefined;
  }
}
