/**
 * The panel's page: the header (view tabs, export, layer/head, display options), the summary,
 * head note, banners and status lines under it, and the views in their tab panes. Assembled once;
 * it hands back the parts main.ts writes to later. Apart from main.ts so the wiring there reads as
 * wiring.
 */
import { el } from './dom';
import { l10n } from './l10n';
import type { ViewTab } from './panelState';
import { Tabs } from './tabs';

/** Panels narrower than this (CSS px) open with the display options folded. */
const DISPLAY_OPEN_WIDTH = 420;

/** The built components' elements the page is made of. */
export interface PanelParts {
  /** Each view's element, shown in its own pane on its tab. */
  readonly views: Record<ViewTab, HTMLElement>;
  readonly exportBar: HTMLElement;
  readonly controls: HTMLElement;
  readonly display: HTMLElement;
  readonly banners: HTMLElement;
}

/** The parts written to after assembly. */
export interface PanelLayout {
  /** The view tabs; `show` picks one without reporting it. */
  readonly tabs: Tabs<ViewTab>;
  /** The status line (`#status`): progress, errors, the shown view's hint; `data-state` says which. */
  readonly status: HTMLElement;
  /** The result's one-line summary (`#summary`). */
  readonly summary: HTMLElement;
  /** Why the shown head was chosen for the user (the run's most informative head); empty otherwise. */
  readonly headNote: HTMLElement;
  /** The folded display options' one line (`#display-summary`). */
  readonly displaySummary: HTMLElement;
}

/** Builds the page in `root` from `parts`; `onTab` hears the tab the user picks. */
export function assemblePanel(root: HTMLElement, parts: PanelParts, onTab: (tab: ViewTab) => void): PanelLayout {
  const { views } = parts;
  const panes: Record<ViewTab, HTMLElement> = {
    tokens: el('section', { className: 'pane tokens-pane' }, views.tokens),
    matrix: el('section', { className: 'pane matrix-pane' }, views.matrix),
    model: el('section', { className: 'pane model-pane' }, views.model),
    math: el('section', { className: 'pane math-pane' }, views.math),
  };
  const tabs = new Tabs<ViewTab>(
    [
      { id: 'tokens', label: l10n.t('Tokens'), panel: panes.tokens },
      { id: 'matrix', label: l10n.t('Matrix'), panel: panes.matrix },
      { id: 'model', label: l10n.t('Model'), panel: panes.model },
      { id: 'math', label: l10n.t('Math'), panel: panes.math },
    ],
    onTab,
  );
  const status = el('div', { className: 'status', attrs: { id: 'status', role: 'status' }, text: l10n.t('Select text and run "Show Attention".') });
  const summary = el('div', { className: 'summary', attrs: { id: 'summary' } });
  const headNote = el('div', { className: 'summary head-note', attrs: { id: 'head-note', role: 'status' } });
  // The header holds what every view needs at hand: tabs, export, layer/head and the display
  // options (one wrapping row). The summary, banners and hint scroll with the content.
  // In a narrow panel the display options start folded into one line that says what they are set to.
  const displaySummary = el('summary', { attrs: { id: 'display-summary', title: l10n.t('Direction, hidden weights and tokens, colour scale') } });
  const displayOptions = el('details', { className: 'display-options' }, displaySummary, parts.display);
  const wide = window.matchMedia(`(min-width: ${DISPLAY_OPEN_WIDTH}px)`);
  displayOptions.open = wide.matches;
  // Fold or unfold when the panel crosses the width (moved to another group, the window resized).
  wide.addEventListener('change', (e) => (displayOptions.open = e.matches));
  const header = el('header', {}, el('div', { className: 'tab-row' }, tabs.element, parts.exportBar), el('div', { className: 'options-row' }, parts.controls, displayOptions));
  root.append(header, summary, headNote, parts.banners, status, el('main', { className: 'views' }, ...Object.values(panes)));
  // Scrolling something into view (a focused token, a control) keeps it clear of a sticky header;
  // the CSS makes the header sticky only where there is room for it.
  new ResizeObserver(() => {
    const sticky = getComputedStyle(header).position === 'sticky';
    document.documentElement.style.setProperty('--header-height', `${sticky ? header.offsetHeight : 0}px`);
  }).observe(header);
  return { tabs, status, summary, headNote, displaySummary };
}
