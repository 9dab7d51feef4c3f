/**
 * The token view: the analysed text laid out as in the editor (line breaks, indentation), each
 * token a chip. Shading a query token colours every chip by the weight the query gives it.
 */
import type { TokenInfo } from '../src/shared/protocol';
import { el } from './dom';

export interface TokenViewEvents {
  onHover(index: number | undefined): void;
  onClick(index: number): void;
  onReveal(index: number): void;
}

export class TokenView {
  readonly element = el('div', { className: 'token-view', attrs: { role: 'list', 'aria-label': 'Tokens' } });
  private chips: HTMLElement[] = [];

  constructor(private readonly events: TokenViewEvents) {
    this.element.addEventListener('mouseover', (e) => this.events.onHover(this.indexOf(e.target)));
    this.element.addEventListener('mouseleave', () => this.events.onHover(undefined));
    this.element.addEventListener('click', (e) => {
      const index = this.indexOf(e.target);
      if (index !== undefined) this.events.onClick(index);
    });
    this.element.addEventListener('dblclick', (e) => {
      const index = this.indexOf(e.target);
      if (index !== undefined) this.events.onReveal(index);
    });
  }

  render(text: string, tokens: readonly TokenInfo[]): void {
    const fragment = document.createDocumentFragment();
    this.chips = [];
    let cursor = 0;
    tokens.forEach((token, index) => {
      if (!token.special && token.start > cursor) fragment.append(text.slice(cursor, token.start));
      const label = token.special ? token.text : token.start === token.end ? '\u00b7' : text.slice(token.start, token.end);
      const chip = el('span', {
        className: `chip${token.special ? ' special' : ''}${label.trim() === '' ? ' blank' : ''}`,
        text: label,
        attrs: { role: 'listitem', 'data-index': String(index), title: `#${index} id ${token.id}` },
      });
      this.chips.push(chip);
      fragment.append(chip);
      if (!token.special) cursor = Math.max(cursor, token.end);
    });
    if (cursor < text.length) fragment.append(text.slice(cursor));
    this.element.replaceChildren(fragment);
  }

  /** Shade chips by `weights` (one per token) relative to their max; undefined clears. */
  shade(weights: Float32Array | undefined, query: number | undefined): void {
    let max = 0;
    if (weights) for (const w of weights) max = Math.max(max, w);
    this.chips.forEach((chip, j) => {
      const w = weights && max > 0 ? weights[j] / max : 0;
      chip.style.setProperty('--w', w.toFixed(3));
      chip.classList.toggle('shaded', w > 0.005);
      chip.classList.toggle('query', j === query);
      if (weights) chip.dataset.weight = weights[j].toFixed(4);
      else delete chip.dataset.weight;
    });
  }

  private indexOf(target: EventTarget | null): number | undefined {
    const chip = target instanceof HTMLElement ? target.closest<HTMLElement>('.chip') : null;
    return chip?.dataset.index !== undefined ? Number(chip.dataset.index) : undefined;
  }
}
