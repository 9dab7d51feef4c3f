/**
 * The math view: how one query token of one head gets its attention, with the model's own
 * numbers: q, the keys' k (strongest first, or all), raw scores q·k/√d_k, the causal mask,
 * the softmax S (the model's attention row, checked against the softmax of the scores) and the
 * output O = S·V (checked against the model's own o vector).
 */
import { NO_VECTORS_REASON, floatsFromBuffer, type ShowQueryMathMessage, type TokenInfo } from '../src/shared/protocol';
import { el } from './dom';
import { escapedText } from '../src/shared/tokenText';
import { l10n } from './l10n';

const TOP_KEYS = 16;
const TOLERANCE = 1e-4;

function vector(values: Float32Array, className = 'vector'): HTMLElement {
  // A full-width vector scrolls sideways: focusable, so the keyboard can scroll it too.
  const attrs: Record<string, string> = className === 'vector' ? { tabindex: '0' } : {};
  return el('code', { className, attrs, text: `[${Array.from(values, (v) => v.toFixed(3)).join(', ')}]` });
}

function diff(value: number): HTMLElement {
  const ok = value <= TOLERANCE;
  return el('span', { className: `check ${ok ? 'ok' : 'bad'}`, text: `${value.toExponential(2)} ${ok ? '✓' : '✗'}` });
}

/**
 * Why the math cannot be shown, in the display language. The host sends English (src/shared
 * builds it without vscode); the one reason it gives is translated here, any other shown as sent.
 */
function unavailableReason(reason: string): string {
  if (reason === NO_VECTORS_REASON) return l10n.t('This model does not export Q/K/V vectors (q/k/v/o outputs per layer), so the math of a query cannot be shown with its own numbers.');
  return reason || l10n.t('This model does not export Q/K/V.');
}

export interface MathViewEvents {
  onQuery(query: number): void;
  onShowAll(all: boolean): void;
}

export class MathView {
  readonly element = el('div', { className: 'math-view', attrs: { id: 'math' } });
  private readonly query = el('input', { attrs: { id: 'math-query', type: 'number', min: '0', step: '1', 'aria-label': l10n.t('Query token index') } });
  private readonly body = el('div', { className: 'math-body' });
  private last: ShowQueryMathMessage | undefined;
  private tokens: readonly TokenInfo[] = [];
  private all = false;

  constructor(private readonly events: MathViewEvents) {
    const prev = el('button', { text: '◀', attrs: { type: 'button', 'aria-label': l10n.t('Previous query token') } });
    const next = el('button', { text: '▶', attrs: { type: 'button', 'aria-label': l10n.t('Next query token') } });
    prev.addEventListener('click', () => this.events.onQuery(Math.max(0, Number(this.query.value) - 1)));
    next.addEventListener('click', () => this.events.onQuery(Math.min(this.tokens.length - 1, Number(this.query.value) + 1)));
    this.query.addEventListener('change', () => {
      const q = Math.floor(Number(this.query.value));
      if (Number.isInteger(q) && q >= 0 && q < this.tokens.length) this.events.onQuery(q);
    });
    this.element.append(el('div', { className: 'controls' }, el('label', { text: l10n.t('Query token #') + ' ', attrs: { for: 'math-query' } }), prev, this.query, next), this.body);
  }

  setTokens(tokens: readonly TokenInfo[]): void {
    this.tokens = tokens;
    this.query.max = String(Math.max(0, tokens.length - 1));
  }

  setQuery(query: number): void {
    this.query.value = String(query);
  }

  setShowAll(all: boolean): void {
    this.all = all;
  }

  message(text: string): void {
    this.last = undefined;
    this.body.replaceChildren(el('p', { className: 'math-note', text }));
  }

  show(math: ShowQueryMathMessage): void {
    this.last = math;
    this.setQuery(math.query);
    const name = (i: number) => `#${i} "${escapedText(this.tokens[i]?.text ?? '')}"`;
    const title = el('h3', { text: l10n.t('Layer {0} · head {1} · query {2}', math.layer, math.head, name(math.query)) });
    if (!math.available) {
      this.body.replaceChildren(title, el('p', { className: 'math-note unavailable', text: unavailableReason(math.reason) }));
      return;
    }
    const T = math.size;
    const d = math.headDim;
    const read = (data: ArrayBuffer, n: number) => floatsFromBuffer(data, n) ?? new Float32Array(n);
    const q = read(math.q, d);
    const k = read(math.k, T * d);
    const v = read(math.v, T * d);
    const scores = read(math.scores, T);
    const weights = read(math.weights, T);
    const recomputed = read(math.recomputed, T);
    const o = read(math.o, d);
    const recomputedO = read(math.recomputedO, d);
    const sqrt = Math.sqrt(d);

    const formula = el('div', { className: 'formula' },
      el('div', { text: `S = softmax( Q·Kᵀ / √d_k + M )      O = S·V` }),
      el('div', { className: 'hint', text: `d_k = ${d}, √d_k = ${sqrt.toFixed(3)}; ${math.causal ? l10n.t('M is 0 on and below the diagonal, −∞ above it (causal).') : l10n.t('M is 0 everywhere (not causal).')} ${l10n.t("Every number below is the model's own: q, k, v and o are outputs of the model next to its attention.")}` }));
    const checks = el('div', { className: 'checks' },
      el('div', {}, document.createTextNode(l10n.t("softmax of these scores vs the model's attention row S: max |ΔS| =") + ' '), diff(math.maxWeightDiff)),
      el('div', {}, document.createTextNode(l10n.t("Σⱼ Sⱼ·Vⱼ vs the model's output o: max |ΔO| =") + ' '), diff(math.maxOutputDiff)));

    const keys = Array.from({ length: T }, (_, j) => j);
    const visible = this.all ? keys : keys.sort((a, b) => weights[b] - weights[a] || a - b).slice(0, TOP_KEYS);
    const table = el('table', { className: 'math-table' });
    table.append(el('thead', {}, el('tr', {}, ...[l10n.t('key'), l10n.t('token'), 'q·kⱼ', 'q·kⱼ/√d_k', 'M', l10n.t('S (model)'), 'softmax', 'kⱼ', 'vⱼ'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })))));
    const tbody = el('tbody');
    for (const j of visible) {
      const masked = math.causal && j > math.query;
      const bar = el('span', { className: 'bar' });
      bar.style.setProperty('--w', String(Math.min(1, weights[j])));
      tbody.append(el('tr', { className: masked ? 'masked' : '' },
        el('td', { className: 'num', text: String(j) }),
        el('td', { className: 'tok', text: `"${escapedText(this.tokens[j]?.text ?? '')}"` }),
        el('td', { className: 'num', text: (scores[j] * sqrt).toFixed(4) }),
        el('td', { className: 'num', text: scores[j].toFixed(4) }),
        el('td', { className: 'num', text: masked ? '−∞' : '0' }),
        el('td', { className: 'num' }, bar, document.createTextNode(weights[j].toFixed(5))),
        el('td', { className: 'num', text: recomputed[j].toFixed(5) }),
        el('td', {}, vector(k.subarray(j * d, (j + 1) * d), 'vector small')),
        el('td', {}, vector(v.subarray(j * d, (j + 1) * d), 'vector small')),
      ));
    }
    table.append(tbody);
    const toggle = el('button', { attrs: { type: 'button', id: 'math-all' }, text: this.all ? l10n.t('Show the {0} strongest keys', TOP_KEYS) : l10n.t('Show all {0} keys (in order)', T) });
    toggle.addEventListener('click', () => {
      this.all = !this.all;
      this.events.onShowAll(this.all);
      if (this.last) this.show(this.last);
    });
    this.body.replaceChildren(
      title,
      formula,
      el('div', { className: 'math-row' }, el('span', { className: 'math-label', text: l10n.t('q (query #{0}, {1} values)', math.query, d) }), vector(q)),
      checks,
      el('div', { className: 'math-label', text: this.all ? l10n.t('All {0} keys', T) : l10n.t('The {0} keys with the largest S (of {1})', Math.min(TOP_KEYS, T), T) }, toggle),
      el('div', { className: 'table-scroll', attrs: { tabindex: '0', role: 'region', 'aria-label': l10n.t('Keys of this query') } }, table),
      el('div', { className: 'math-row' }, el('span', { className: 'math-label', text: l10n.t("O = S·V (the model's o)") }), vector(o)),
      el('div', { className: 'math-row' }, el('span', { className: 'math-label', text: l10n.t('Σⱼ Sⱼ·vⱼ (recomputed here)') }), vector(recomputedO)),
    );
  }
}
