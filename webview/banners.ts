/**
 * The panel's banners: what the shown result does not cover (the analysis stopped at the token
 * limit) and whether it still matches its document (the text was edited since, or the document
 * closed), with a Re-run button that analyses the text as it now is.
 */
import { el } from './dom';
import { l10n } from './l10n';

export class Banners {
  readonly element = el('div', { className: 'banners' });
  private readonly cut = el('div', { className: 'banner cut-banner', attrs: { id: 'cut-banner', role: 'status' } });
  private readonly staleText = el('span', { className: 'banner-text' });
  private readonly rerun = el('button', { className: 'banner-action', text: l10n.t('Re-run'), attrs: { type: 'button', id: 'rerun' } });
  private readonly stale = el('div', { className: 'banner stale-banner', attrs: { id: 'stale-banner', role: 'alert' } }, this.staleText, this.rerun);

  constructor(onRerun: () => void) {
    this.cut.hidden = true;
    this.stale.hidden = true;
    this.rerun.addEventListener('click', () => {
      this.rerun.disabled = true;
      onRerun();
    });
    this.element.append(this.cut, this.stale);
  }

  /** The sentence saying where the analysis stopped; undefined when it covers everything asked for. */
  setCut(message: string | undefined): void {
    this.cut.hidden = message === undefined;
    this.cut.textContent = message ?? '';
  }

  /** A re-run ended without a new result (it failed, or was cancelled): Re-run may be pressed again. */
  rerunEnded(): void {
    this.rerun.disabled = false;
  }

  /** Shows (or hides) the stale banner. */
  setStale(stale: boolean, closed: boolean): void {
    this.stale.hidden = !stale && !closed;
    this.rerun.disabled = false;
    this.staleText.textContent = closed
      ? l10n.t('The analysed document is closed: this result can no longer be revealed in the editor.') + ' '
      : stale
        ? l10n.t('The analysed text was edited since this run: weights and token places describe the old text.') + ' '
        : '';
    document.body.dataset.stale = String(stale || closed);
  }
}
