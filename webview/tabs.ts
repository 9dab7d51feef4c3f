/** Tabs that switch the panel's views: a WAI-ARIA tablist (arrow keys, Home, End). */
import { el } from './dom';
import { l10n } from './l10n';

export class Tabs<Id extends string> {
  readonly element = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': l10n.t('Views') } });
  private readonly buttons = new Map<Id, HTMLButtonElement>();
  private readonly panels = new Map<Id, HTMLElement>();
  private current: Id;

  constructor(
    tabs: readonly { readonly id: Id; readonly label: string; readonly panel: HTMLElement }[],
    private readonly onSelect: (id: Id) => void,
  ) {
    this.current = tabs[0].id;
    for (const { id, label, panel } of tabs) {
      const button = el('button', {
        className: 'tab',
        text: label,
        attrs: { role: 'tab', id: `tab-${id}`, 'aria-controls': `view-${id}`, type: 'button', 'data-tab': id },
      });
      panel.id = `view-${id}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', `tab-${id}`);
      button.addEventListener('click', () => this.choose(id));
      this.buttons.set(id, button);
      this.panels.set(id, panel);
      this.element.append(button);
    }
    const ids = tabs.map((t) => t.id);
    this.element.addEventListener('keydown', (e) => {
      const at = ids.indexOf(this.current);
      const next =
        e.key === 'ArrowRight' ? ids[(at + 1) % ids.length] :
        e.key === 'ArrowLeft' ? ids[(at + ids.length - 1) % ids.length] :
        e.key === 'Home' ? ids[0] :
        e.key === 'End' ? ids[ids.length - 1] : undefined;
      if (next === undefined) return;
      e.preventDefault();
      this.choose(next);
      this.buttons.get(next)?.focus();
    });
  }

  /** Show a tab without telling the listener (restoring state). */
  show(id: Id): void {
    this.current = id;
    for (const [key, button] of this.buttons) {
      const selected = key === id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      this.panels.get(key)!.hidden = !selected;
    }
  }

  private choose(id: Id): void {
    this.show(id);
    this.onSelect(id);
  }
}
