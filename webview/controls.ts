/**
 * The always-visible controls: layer and head (or an aggregate over heads, or the rollout), and
 * the display settings every view shares: direction, threshold, sink hiding and colour scale.
 */
import type { ColorMode } from '../src/shared/heatmapPixels';
import type { Direction } from '../src/shared/renormalize';
import { el } from './dom';
import type { HeadChoice } from './panelState';
import { l10n } from './l10n';

export interface Selection {
  readonly layer: number;
  readonly head: HeadChoice;
}

export class Controls {
  readonly element = el('div', { className: 'controls', attrs: { role: 'toolbar', 'aria-label': l10n.t('Layer and head') } });
  private readonly layer = el('select', { attrs: { id: 'layer', 'aria-label': l10n.t('Layer') } });
  private readonly head = el('select', { attrs: { id: 'head', 'aria-label': l10n.t('Head or aggregate') } });

  constructor(
    onChange: (selection: Selection) => void,
    private readonly options: { readonly rollout?: boolean } = {},
  ) {
    this.element.append(
      el('label', { text: l10n.t('Layer') + ' ', attrs: { for: 'layer' } }),
      this.layer,
      el('label', { text: l10n.t('Head') + ' ', attrs: { for: 'head' } }),
      this.head,
    );
    const changed = () => onChange(this.selector);
    this.layer.addEventListener('change', changed);
    this.head.addEventListener('change', changed);
  }

  setShape(layers: number, heads: number, selection: Selection): void {
    this.layer.replaceChildren(...Array.from({ length: layers }, (_, i) => el('option', { text: String(i), attrs: { value: String(i) } })));
    this.head.replaceChildren(
      ...Array.from({ length: heads }, (_, i) => el('option', { text: String(i), attrs: { value: String(i) } })),
      el('option', { text: l10n.t('mean of heads'), attrs: { value: 'mean' } }),
      el('option', { text: l10n.t('max of heads'), attrs: { value: 'max' } }),
      ...(this.options.rollout ? [el('option', { text: l10n.t('rollout (layers 0…L)'), attrs: { value: 'rollout' } })] : []),
    );
    this.layer.value = String(selection.layer);
    this.head.value = String(selection.head);
  }

  get selector(): Selection {
    const head = this.head.value;
    return { layer: Number(this.layer.value), head: head === 'mean' || head === 'max' || head === 'rollout' ? head : Number(head) };
  }
}

export interface DisplaySettings {
  readonly direction: Direction;
  readonly threshold: number;
  readonly hideFirst: boolean;
  readonly hideSpecial: boolean;
  readonly color: ColorMode;
}

/** Direction, threshold, sinks and colour scale. */
export class DisplayControls {
  readonly element = el('div', { className: 'controls display-controls', attrs: { role: 'toolbar', 'aria-label': l10n.t('Display') } });
  private readonly direction = el('select', { attrs: { id: 'direction', 'aria-label': l10n.t('Direction') } },
    el('option', { text: l10n.t('attends to (row)'), attrs: { value: 'to' } }),
    el('option', { text: l10n.t('attended by (column)'), attrs: { value: 'from' } }));
  private readonly threshold = el('input', { attrs: { id: 'threshold', type: 'range', min: '0', max: '0.5', step: '0.01', 'aria-label': l10n.t('Hide weights below') } });
  private readonly thresholdValue = el('output', { attrs: { for: 'threshold', id: 'threshold-value' } });
  private readonly hideFirst = el('input', { attrs: { id: 'hide-first', type: 'checkbox' } });
  private readonly hideSpecial = el('input', { attrs: { id: 'hide-special', type: 'checkbox' } });
  private readonly color = el('select', { attrs: { id: 'color', 'aria-label': l10n.t('Colour scale') } },
    el('option', { text: l10n.t('√ scale'), attrs: { value: 'sqrt' } }),
    el('option', { text: l10n.t('linear'), attrs: { value: 'linear' } }),
    el('option', { text: l10n.t('per-row max'), attrs: { value: 'row' } }));

  constructor(onChange: (settings: DisplaySettings) => void) {
    this.element.append(
      el('label', { text: l10n.t('Direction') + ' ', attrs: { for: 'direction' } }), this.direction,
      el('label', { text: l10n.t('Hide below') + ' ', attrs: { for: 'threshold' } }), this.threshold, this.thresholdValue,
      el('label', { className: 'check', attrs: { for: 'hide-first', title: l10n.t('Hide the first token (an attention sink) and renormalise each row over the other keys') } }, this.hideFirst, document.createTextNode(' ' + l10n.t('hide first token'))),
      el('label', { className: 'check', attrs: { for: 'hide-special', title: l10n.t('Hide special tokens and renormalise each row over the other keys') } }, this.hideSpecial, document.createTextNode(' ' + l10n.t('hide special'))),
      el('label', { text: l10n.t('Colour') + ' ', attrs: { for: 'color' } }), this.color,
    );
    const changed = () => {
      this.thresholdValue.textContent = Number(this.threshold.value).toFixed(2);
      onChange(this.settings);
    };
    for (const input of [this.direction, this.hideFirst, this.hideSpecial, this.color]) input.addEventListener('change', changed);
    this.threshold.addEventListener('input', changed);
  }

  set(settings: DisplaySettings): void {
    this.direction.value = settings.direction;
    this.threshold.value = String(settings.threshold);
    this.thresholdValue.textContent = settings.threshold.toFixed(2);
    this.hideFirst.checked = settings.hideFirst;
    this.hideSpecial.checked = settings.hideSpecial;
    this.color.value = settings.color;
  }

  get settings(): DisplaySettings {
    return {
      direction: this.direction.value === 'from' ? 'from' : 'to',
      threshold: Math.max(0, Math.min(1, Number(this.threshold.value) || 0)),
      hideFirst: this.hideFirst.checked,
      hideSpecial: this.hideSpecial.checked,
      color: this.color.value === 'linear' ? 'linear' : this.color.value === 'row' ? 'row' : 'sqrt',
    };
  }
}
