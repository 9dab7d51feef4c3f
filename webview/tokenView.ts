/**
 * The token view: the analysed text laid out as in the editor (line breaks, indentation), each
 * token a chip. Focusing a token (hover, click to pin, shift-click for a span, the keyboard)
 * shades every chip by weight; a details list gives the exact top weights, and each chip's
 * tooltip its own.
 *
 * For the keyboard and screen readers the text is a listbox: the view takes the focus once and
 * moves an active token (`aria-activedescendant`) with the arrow keys; pinned tokens are
 * `aria-selected`; each token is named by its text, line and weight. Shading uses the theme's
 * attention colours (shadePalette.ts) with a text colour chosen to keep 4.5:1 contrast.
 */
import { escapedText } from '../src/shared/tokenText';
import { topKeys } from '../src/shared/attentionMath';
import type { TokenInfo } from '../src/shared/protocol';
import { shadeBucket } from '../src/shared/shadeBuckets';
import { layoutTokens } from '../src/shared/tokenLayout';
import { tokenName } from './accessibleNames';
import { l10n } from './l10n';
import { el } from './dom';
import { onThemeChange, shadeColors, type ShadeColors } from './shadePalette';
import { lineNeighbour, type TokenLines } from './tokenLines';

export interface TokenViewEvents {
  onHover(index: number | undefined): void;
  /** `extend`: shift held, the span grows from the pinned token to `index`. */
  onClick(index: number, extend: boolean): void;
  onReveal(index: number): void;
  /**
   * Arrow keys on the focused view: move (or, with shift, extend) the focus by `delta` tokens,
   * or with `byLine` by `delta` lines.
   */
  onStep(delta: number, extend: boolean, byLine: boolean): void;
}

/** What the shading stands for, for the details list. */
export interface ShadeInfo {
  readonly description: string;
  /** Tokens in focus (query, or span), outlined. */
  readonly focus: readonly number[];
  readonly threshold: number;
  /**
   * False while `weights` come from the compact matrix (colours only): no number is shown until
   * the exact weights replace them (webview/exactWeights.ts).
   */
  readonly exact: boolean;
}

const TOP_K = 8;
const HINT = l10n.t('Hover a token to see what it attends to; click to pin it; shift-click to select a span; double-click to reveal it in the editor. From the keyboard: arrow keys, Space, Enter, Escape.');

export class TokenView {
  readonly element = el('div', { className: 'token-pane' });
  private readonly text = el('div', {
    className: 'token-view',
    attrs: {
      role: 'listbox',
      'aria-label': l10n.t('Tokens'),
      'aria-multiselectable': 'true',
      'aria-describedby': 'token-keys',
      tabindex: '0',
    },
  });
  private readonly keys = el('p', {
    className: 'visually-hidden',
    attrs: { id: 'token-keys' },
    text: l10n.t('Keys: arrows move and pin (Up and Down by line), Shift extends a span, Space pins or unpins, Enter reveals in the editor, Escape clears the pin, then the span.'),
  });
  private readonly pinState = el('div', { className: 'pin-state', attrs: { id: 'pin-state' } });
  private readonly details = el('div', { className: 'token-details', attrs: { id: 'token-details' } });
  private chips: HTMLElement[] = [];
  private labels: string[] = [];
  private tokens: readonly TokenInfo[] = [];
  private layout: TokenLines = { lines: [], lineOf: [], column: [] };
  private firstLine = 1;
  private palette: ShadeColors[] = [];
  private last: { weights: Float32Array | undefined; info: ShadeInfo | undefined } = { weights: undefined, info: undefined };
  private active: number | undefined;

  constructor(private readonly events: TokenViewEvents) {
    this.element.append(this.text, el('div', { className: 'token-side' }, this.pinState, this.details, this.keys));
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
    this.text.addEventListener('keydown', (e) => this.key(e));
    onThemeChange(() => {
      this.palette = [];
      this.shade(this.last.weights, this.last.info);
    });
  }

  /** Lay out `text` with its `tokens`; `firstLine` is the editor line the text starts on (1-based). */
  render(text: string, tokens: readonly TokenInfo[], firstLine = 1): void {
    const fragment = document.createDocumentFragment();
    this.chips = [];
    this.labels = [];
    this.tokens = tokens;
    this.firstLine = firstLine;
    this.active = undefined;
    this.text.removeAttribute('aria-activedescendant');
    const lines: number[][] = [];
    const lineOf: number[] = [];
    const column: number[] = [];
    layoutTokens(text, tokens).forEach((line, i) => {
      if (i > 0) fragment.append('\n');
      const onLine: number[] = [];
      let col = 0;
      for (const segment of line) {
        if (segment.kind === 'text') {
          fragment.append(segment.text);
          col += segment.text.length;
          continue;
        }
        const token = tokens[segment.index];
        const chip = el('span', {
          className: `chip${segment.special ? ' special' : ''}${segment.label.trim() === '' ? ' blank' : ''}`,
          text: segment.label,
          attrs: { role: 'option', id: `token-${segment.index}`, 'aria-selected': 'false', 'data-index': String(segment.index) },
        });
        this.chips.push(chip);
        this.labels.push(token.special ? token.text : text.slice(token.start, token.end));
        onLine.push(segment.index);
        lineOf[segment.index] = i;
        column[segment.index] = col;
        col += segment.label.length;
        fragment.append(chip);
      }
      lines.push(onLine);
    });
    this.layout = { lines, lineOf, column };
    this.text.replaceChildren(fragment);
    this.chips.forEach((chip, j) => this.name(chip, j, undefined));
    this.pinState.textContent = '';
    this.details.replaceChildren(el('p', { className: 'hint', text: HINT }));
  }

  /** The token `delta` lines above (negative) or below `from`, nearest in column. */
  lineNeighbour(from: number, delta: number): number {
    return lineNeighbour(this.layout, from, delta);
  }

  /**
   * The keyboard's active token and the pinned tokens (one, or a span), shown as selected and
   * said in words; `scroll` brings the active token into view (below the sticky header).
   */
  setSelection(active: number | undefined, selected: readonly number[], scroll = false): void {
    const on = new Set(selected);
    this.chips.forEach((chip, j) => {
      chip.setAttribute('aria-selected', String(on.has(j)));
      chip.classList.toggle('pinned', on.has(j));
      chip.classList.toggle('active', j === active);
    });
    this.active = active;
    if (active !== undefined && this.chips[active]) {
      this.text.setAttribute('aria-activedescendant', this.chips[active].id);
      if (scroll) this.chips[active].scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      this.text.removeAttribute('aria-activedescendant');
    }
    const word = (i: number) => l10n.t('#{0} "{1}" (line {2})', i, escapedText(this.labels[i] ?? ''), this.lineNumber(i));
    this.pinState.textContent =
      selected.length === 0 ? l10n.t('Nothing pinned.') :
      selected.length === 1 ? l10n.t('Pinned {0}. Escape clears it.', word(selected[0])) :
      l10n.t('Span pinned: {0} … {1}, {2} tokens. Escape clears it.', word(selected[0]), word(selected[selected.length - 1]), selected.length);
    this.element.dataset.pinned = selected.length > 0 ? String(selected[0]) : '';
  }

  /**
   * Shade chips by `weights` (one per token) relative to their max; undefined clears. Weights
   * below `info.threshold` are not shaded.
   */
  shade(weights: Float32Array | undefined, info: ShadeInfo | undefined): void {
    this.last = { weights, info };
    if (this.palette.length === 0) this.palette = shadeColors();
    let max = 0;
    if (weights) for (let j = 0; j < weights.length; j++) if (weights[j] >= (info?.threshold ?? 0)) max = Math.max(max, weights[j]);
    const focus = new Set(info?.focus ?? []);
    this.chips.forEach((chip, j) => {
      const raw = weights ? weights[j] : 0;
      const w = weights && max > 0 && raw >= (info?.threshold ?? 0) ? raw / max : 0;
      const shaded = w > 0.005;
      chip.classList.toggle('shaded', shaded);
      chip.classList.toggle('query', focus.has(j));
      if (shaded) {
        const colors = this.palette[shadeBucket(w)];
        chip.dataset.step = String(shadeBucket(w) + 1);
        chip.style.backgroundColor = colors.background;
        chip.style.color = colors.text;
      } else {
        delete chip.dataset.step;
        chip.style.removeProperty('background-color');
        chip.style.removeProperty('color');
      }
      if (weights && info?.exact) {
        chip.dataset.weight = raw.toFixed(4);
        chip.title = l10n.t('#{0} "{1}" · weight {2}', j, escapedText(this.labels[j]), raw.toFixed(4));
      } else {
        delete chip.dataset.weight;
        chip.removeAttribute('title');
      }
      this.name(chip, j, weights && info?.exact ? raw : undefined);
    });
    this.showDetails(weights, info);
  }

  private lineNumber(index: number): number {
    return this.firstLine + (this.layout.lineOf[index] ?? 0);
  }

  private name(chip: HTMLElement, index: number, weight: number | undefined): void {
    const token = this.tokens[index];
    chip.setAttribute('aria-label', tokenName({ text: this.labels[index] ?? '', special: token?.special ?? false, line: this.lineNumber(index), weight }));
  }

  private key(e: KeyboardEvent): void {
    const arrows: Record<string, [number, boolean]> = { ArrowRight: [1, false], ArrowLeft: [-1, false], ArrowDown: [1, true], ArrowUp: [-1, true] };
    const arrow = arrows[e.key];
    if (arrow) {
      e.preventDefault();
      this.events.onStep(arrow[0], e.shiftKey, arrow[1]);
    } else if (e.key === ' ' && this.active !== undefined) {
      e.preventDefault();
      this.events.onClick(this.active, e.shiftKey);
    } else if (e.key === 'Enter' && this.active !== undefined) {
      e.preventDefault();
      this.events.onReveal(this.active);
    }
  }

  private showDetails(weights: Float32Array | undefined, info: ShadeInfo | undefined): void {
    if (!weights || !info) return;
    const list = el('ol', { className: 'top-list' });
    for (const k of topKeys(weights, TOP_K)) {
      const bar = el('span', { className: 'bar', attrs: { 'aria-hidden': 'true' } });
      bar.style.setProperty('--w', String(Math.min(1, weights[k])));
      list.append(el('li', {}, el('span', { className: 'top-token', text: `#${k} "${escapedText(this.labels[k] ?? '')}"` }), bar, el('span', { className: 'top-weight', text: info.exact ? weights[k].toFixed(4) : '…' })));
    }
    this.details.replaceChildren(el('div', { className: 'details-title', text: info.description }), list);
    this.details.dataset.exact = String(info.exact);
    if (info.exact) this.details.removeAttribute('aria-busy');
    else this.details.setAttribute('aria-busy', 'true');
  }

  private indexOf(target: EventTarget | null): number | undefined {
    const chip = target instanceof HTMLElement ? target.closest<HTMLElement>('.chip') : null;
    return chip?.dataset.index !== undefined ? Number(chip.dataset.index) : undefined;
  }
}
