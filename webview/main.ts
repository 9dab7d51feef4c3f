/**
 * The Attention Lens panel webview: always-visible controls, and four views on tabs (tokens,
 * matrix, model, math). This module is the composition root: it builds the components, wires
 * their events to the panel's state (panelStore.ts) and to the modules that do the work, and
 * routes the host's messages. The work itself lives in one module each: the page (panelLayout),
 * the drawn matrix (panelMatrix), token shading (panelShading), exports (panelExport), the Model
 * and Math views' data (panelRequests), selection rules (panelSelection) and the panel's words
 * (panelText). Data is asked of the host through the HostChannel, which keeps only the latest
 * request of each kind; replies for a run no longer shown are dropped.
 */
import { MessageType, type ResultSummary, type ShowResultMessage } from '../src/shared/protocol';
import { Banners } from './banners';
import { Controls, DisplayControls, type Selection } from './controls';
import { ExportBar } from './exportBar';
import { Heatmap } from './heatmap';
import { ExactWeights, rowQuery } from './exactWeights';
import { HostChannel, type HostMessage } from './host';
import { MathView } from './mathView';
import { ModelView } from './modelView';
import { PanelExport } from './panelExport';
import { assemblePanel } from './panelLayout';
import { PanelMatrix } from './panelMatrix';
import { MathRequests, ThumbnailRequests } from './panelRequests';
import { clearPinOrSpan, clickToken, isZoomed, stepToken } from './panelSelection';
import { PanelShading } from './panelShading';
import { fitState, hiddenSinks, hostSelector, restoreState, type PanelState } from './panelState';
import { PanelStore } from './panelStore';
import { cutBanner, displayLine, summaryLine, viewHint } from './panelText';
import { TokenView } from './tokenView';
import { firstLineOf } from './accessibleNames';
import { l10n } from './l10n';
import { FIT } from './viewport';
import { runOnWebGpu } from './webGpuClient';

const host = new HostChannel<PanelState>(onMessage);
const exactWeights = new ExactWeights(host);
const store = new PanelStore(restoreState(host.getState()), (state) => {
  host.setState(state);
  layout.displaySummary.textContent = displayLine(state);
});
const save = (next: PanelState) => store.save(next);

const banners = new Banners(() => {
  if (!store.result) return;
  host.post({ type: MessageType.Rerun, runId: store.result.runId });
});
const controls = new Controls((selection) => pick(selection), { rollout: true });
const display = new DisplayControls((settings) => {
  const { state } = store;
  const sinksChanged = settings.hideFirst !== state.hideFirst || settings.hideSpecial !== state.hideSpecial;
  save({ ...state, ...settings });
  if (sinksChanged) {
    matrix.derive();
    if (store.state.tab === 'model') thumbnails.request();
  } else {
    heatmap.setDisplay({ mode: store.state.color, threshold: store.state.threshold });
  }
  shading.shade();
});
const tokenView = new TokenView({
  onHover: (index) => shading.hover(index),
  onClick: (index, extend) => {
    save(clickToken(store.state, index, extend));
    shading.shade();
  },
  onReveal: (index) => {
    if (store.result) host.post({ type: MessageType.RevealToken, runId: store.result.runId, index });
  },
  onStep: (delta, extend, byLine) => {
    if (!store.result) return;
    save(stepToken(store.state, { delta, extend, byLine }, store.result.tokens.length - 1, (from, by) => tokenView.lineNeighbour(from, by)));
    shading.stepped();
  },
});
const heatmap = new Heatmap((row) => shading.hover(row), {
  interactive: true,
  onZoom: (zoom) => save({ ...store.state, zoom }),
  onPickRow: (row) => {
    save({ ...store.state, pinned: row, span: undefined });
    shading.shade();
  },
  readWeight: async (row, col) => {
    const { result, state } = store;
    if (!result) return undefined;
    const query = rowQuery(hostSelector(state), state.head === 'rollout', row, hiddenSinks(state));
    return (await exactWeights.read('readout', result.runId, result.tokens.length, query))?.[col];
  },
});
const modelView = new ModelView({
  onPick: (layer, head) => pick({ layer, head }),
  onSort: (sort) => save({ ...store.state, sort }),
  onPool: (pool) => {
    save({ ...store.state, pool });
    thumbnails.request();
  },
});
const mathView = new MathView({
  onQuery: (query) => {
    save({ ...store.state, pinned: query, span: undefined });
    math.request();
    shading.shade();
  },
  onShowAll: (all) => save({ ...store.state, mathAll: all }),
});
const exportBar = new ExportBar((format) => void exporter.export(format));

const matrix = new PanelMatrix(store, host, heatmap, () => {
  exportBar.setEnabled(true);
  heatmap.setZoom(store.state.zoom);
  shading.shade();
});
const shading = new PanelShading(store, () => matrix.drawn, exactWeights, { tokenView, heatmap });
const thumbnails = new ThumbnailRequests(store, host, modelView);
const math = new MathRequests(store, host, mathView);
const exporter = new PanelExport({
  panel: store,
  host,
  exactWeights,
  matrix: () => matrix.drawn,
  shading: () => shading.drawn,
  onError: (message) => setStatus(message, 'error'),
});

const layout = assemblePanel(
  document.getElementById('app')!,
  { views: { tokens: tokenView.element, matrix: heatmap.element, model: modelView.element, math: mathView.element }, exportBar: exportBar.element, controls: controls.element, display: display.element, banners: banners.element },
  (tab) => {
    save({ ...store.state, tab });
    showTab();
  },
);
layout.tabs.show(store.state.tab);
display.set(store.state);
layout.displaySummary.textContent = displayLine(store.state);
modelView.setOptions(store.state.sort, store.state.pool);
mathView.setShowAll(store.state.mathAll);
document.body.dataset.tab = store.state.tab;

function setStatus(text: string, state: 'running' | 'error' | 'idle'): void {
  layout.status.textContent = text;
  layout.status.dataset.state = state;
}

function pick(selection: Selection): void {
  save({ ...store.state, layer: selection.layer, head: selection.head });
  // A head picked by hand: the note about an automatic choice no longer applies.
  layout.headNote.textContent = '';
  if (store.result) controls.setShape(store.result.layers, store.result.heads, store.state);
  if (selection.head !== 'rollout') host.post({ type: MessageType.HeadPicked, layer: selection.layer, head: selection.head });
  showHead();
}

/** The shown layer/head changed: the Model view marks it; the matrix and (on its tab) the math follow. */
function showHead(): void {
  modelView.select(store.state.layer, store.state.head);
  matrix.request();
  if (store.state.tab === 'math') math.request();
}

function showTab(): void {
  document.body.dataset.tab = store.state.tab;
  showHint();
  if (store.state.tab === 'model' && store.result && thumbnails.stale) thumbnails.request();
  if (store.state.tab === 'math') math.request();
}

/** The usage hint of the shown view, while the status line is idle. */
function showHint(): void {
  if (layout.status.dataset.state !== 'idle' || !store.result) return;
  layout.status.textContent = viewHint(store.state.tab);
}

/**
 * Escape steps back one level at a time: the pinned token, then the span, then the matrix zoom.
 * Returns whether there was anything to clear.
 */
function clearOneLevel(): boolean {
  const next = clearPinOrSpan(store.state);
  if (next) save(next);
  else if (isZoomed(store.state.zoom)) {
    heatmap.setZoom(FIT, true);
    return true;
  } else return false;
  shading.hover(undefined);
  if (store.state.tab === 'math') math.request();
  return true;
}

document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (clearOneLevel()) e.preventDefault();
});

function showResult(next: ResultSummary, pushed?: ShowResultMessage['matrix']): void {
  store.result = next;
  layout.headNote.textContent = '';
  matrix.clear();
  thumbnails.forget();
  save(fitState(store.state, next.layers, next.heads, next.tokens.length));
  controls.setShape(next.layers, next.heads, store.state);
  tokenView.render(next.text, next.tokens, firstLineOf(next.source));
  mathView.setTokens(next.tokens);
  heatmap.setZoom(store.state.zoom);
  const line = summaryLine(next);
  layout.summary.textContent = line.text;
  // Stage timings are for developers: a tooltip here, and the Attention Lens log.
  layout.summary.title = line.title;
  banners.setCut(cutBanner(next));
  banners.setStale(false, false);
  exportBar.setEnabled(false);
  layout.status.dataset.state = 'idle';
  showHint();
  // Paint the matrix that came with the result when it is the one this panel shows.
  matrix.showFirst(next, pushed);
  showTab();
}

function onMessage(message: HostMessage): void {
  const { result } = store;
  switch (message.type) {
    case MessageType.ShowResult:
      showResult(message.result, message.matrix);
      break;
    case MessageType.ShowHead: {
      // Another view (or a setting) changed the shared layer/head: follow it.
      const { state } = store;
      // Why the head was chosen shows even when this view already shows that head.
      if (message.note !== undefined) layout.headNote.textContent = message.note;
      if (message.selector.layer === state.layer && message.selector.head === state.head) return;
      if (state.head === 'rollout' && message.selector.layer === state.layer) return;
      save({ ...state, layer: message.selector.layer, head: message.selector.head });
      layout.headNote.textContent = message.note ?? '';
      if (result) {
        save(fitState(store.state, result.layers, result.heads, result.tokens.length));
        controls.setShape(result.layers, result.heads, store.state);
        showHead();
      }
      break;
    }
    case MessageType.FocusToken:
      if (result && message.runId === result.runId) {
        save({ ...store.state, pinned: message.index, span: undefined });
        shading.shade();
        if (store.state.tab === 'math' && message.index !== undefined) math.request();
      }
      break;
    case MessageType.ShowStatus:
      setStatus(message.message, message.state);
      if (message.state !== 'running') banners.rerunEnded();
      break;
    case MessageType.RequestExport:
      if (exporter.ready) void exporter.export(message.format);
      else setStatus(l10n.t('Nothing to export yet: run "Show Attention" first.'), 'idle');
      break;
    case MessageType.ShowRunState:
      if (result && message.runId === result.runId) banners.setStale(message.stale, message.closed);
      break;
    case MessageType.RunOnWebGpu:
      void runOnWebGpu(message).then((reply) => host.post(reply));
      break;
  }
}

// A panel restored after a reload brings its layer/head back to the host, whose shared selection
// started afresh; a new panel follows the host's.
if (host.getState() !== undefined) {
  const restored = hostSelector(store.state);
  host.post({ type: MessageType.HeadPicked, layer: restored.layer, head: restored.head });
}
host.post({ type: MessageType.Ready });
