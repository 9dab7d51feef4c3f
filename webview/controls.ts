/** The always-visible controls: layer and head (or an aggregate over heads). */
import type { HeadSelector } from '../src/shared/protocol';
import { el } from './dom';

export class Controls {
  readonly element = el('div', { className: 'controls', attrs: { role: 'toolbar' } });
  private readonly layer = el('select', { attrs: { id: 'layer', 'aria-label': 'Layer' } });
  private readonly head = el('select', { attrs: { id: 'head', 'aria-label': 'Head' } });

  constructor(onChange: (selector: HeadSelector) => void) {
    this.element.append(
      el('label', { text: 'Layer ', attrs: { for: 'layer' } }),
      this.layer,
      el('label', { text: 'Head ', attrs: { for: 'head' } }),
      this.head,
    );
    const changed = () => onChange(this.selector);
    this.layer.addEventListener('change', changed);
    this.head.addEventListener('change', changed);
  }

  setShape(layers: number, heads: number, selector: HeadSelector): void {
    this.layer.replaceChildren(...Array.from({ length: layers }, (_, i) => el('option', { text: String(i), attrs: { value: String(i) } })));
    this.head.replaceChildren(
      ...Array.from({ length: heads }, (_, i) => el('option', { text: String(i), attrs: { value: String(i) } })),
      el('option', { text: 'mean of heads', attrs: { value: 'mean' } }),
      el('option', { text: 'max of heads', attrs: { value: 'max' } }),
    );
    this.layer.value = String(selector.layer);
    this.head.value = String(selector.head);
  }

  get selector(): HeadSelector {
    const head = this.head.value;
    return { layer: Number(this.layer.value), head: head === 'mean' || head === 'max' ? head : Number(head) };
  }
}
