/**
 * The notebook renderer for `application/vnd.attention-lens.result+json` (what the Python
 * package's display() emits): the panel's layer/head controls, token view and matrix view, drawn
 * inline from the output's own data, with no host and no network (everything is in this bundle,
 * styles included). Cross-attention gets the cross view (both sequences, the T_q × T_k matrix).
 * Each output lives in its own shadow root, so several outputs and the notebook's own styles do
 * not meet.
 */
import css from '../../media/webview.css';
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import { selectedMatrix } from '../../src/shared/attentionMath';
import { readAttentionJson, type AttentionFile } from '../../src/shared/attentionFile';
import { fileTokens } from '../../src/shared/fileTokens';
import { focusWeights } from '../../src/shared/renormalize';
import type { HeadSelector } from '../../src/shared/protocol';
import { escapedText } from '../../src/shared/tokenText';
import { Controls, type Selection } from '../controls';
import { CROSS_CSS, CrossView } from '../cross/crossView';
import { el } from '../dom';
import { Heatmap } from '../heatmap';
import { DEFAULT_ZOOM } from '../panelState';
import { TokenView } from '../tokenView';
import type { ActivationFunction } from './rendererApi';

// The panel's stylesheet, scoped to one output: its page-wide rules apply to the output's root.
const SCOPED_CSS = css.replace(/:root\s*\{/g, ':host {').replace(/(^|\n)body\s*\{/g, '$1.notebook-root {');

/** Draws one result into `root`. */
function mount(root: HTMLElement, file: AttentionFile): void {
  const { text, tokens } = fileTokens(file.queries);
  const size = tokens.length;
  // The notebook shows one head or an aggregate; the rollout option is not offered.
  let selection: HeadSelector = { layer: 0, head: 'mean' };
  let matrix: Float32Array | undefined;
  let pinned: number | undefined;
  let hovered: number | undefined;

  const status = el('div', { className: 'status', attrs: { role: 'status' } });
  const shade = () => {
    const focus = hovered ?? pinned;
    heatmap.markRow(focus);
    if (!matrix || focus === undefined) {
      tokenView.shade(undefined, undefined);
      return;
    }
    const head = typeof selection.head === 'number' ? `head ${selection.head}` : `${selection.head} of heads`;
    tokenView.shade(focusWeights(matrix, size, [focus], 'to', 'sum'), {
      description: `#${focus} "${escapedText(tokens[focus].text)}" attends to (layer ${selection.layer}, ${head}); strongest:`,
      focus: [focus],
      threshold: 0,
      // The notebook holds the float32 attention itself: these are the model's numbers.
      exact: true,
    });
  };
  const draw = () => {
    matrix = selectedMatrix(inMemoryLayers(file.attention, size), size, selection);
    if (!matrix) return;
    heatmap.draw(matrix, size, tokens, { mode: 'sqrt', threshold: 0 });
    heatmap.setZoom(DEFAULT_ZOOM);
    shade();
    root.dataset.drawn = `${selection.layer}:${selection.head}`;
  };
  const controls = new Controls((next: Selection) => {
    selection = { layer: next.layer, head: next.head === 'rollout' ? 'mean' : next.head };
    draw();
  });
  const tokenView = new TokenView({
    onHover: (index) => {
      hovered = index;
      shade();
    },
    onClick: (index) => {
      pinned = pinned === index ? undefined : index;
      shade();
    },
    onReveal: () => undefined,
    onStep: (delta) => {
      pinned = Math.max(0, Math.min(size - 1, (pinned ?? -1) + delta));
      hovered = undefined;
      shade();
    },
  });
  const heatmap = new Heatmap(
    (row) => {
      hovered = row;
      shade();
    },
    {
      interactive: true,
      onPickRow: (row) => {
        pinned = row;
        shade();
      },
    },
  );
  const source = file.queries.source?.file ? ` · ${file.queries.source.file}` : '';
  const summary = el('div', { className: 'summary', text: `${file.model.name} · ${file.layers} layers × ${file.heads} heads · ${size} tokens${source}` });
  status.textContent = 'Hover a token or a matrix row to see what it attends to; click to pin it.';
  root.append(
    el('header', {}, controls.element, summary),
    status,
    el('main', { className: 'notebook-views' }, el('section', { className: 'pane tokens-pane' }, tokenView.element), el('section', { className: 'pane matrix-pane' }, heatmap.element)),
  );
  controls.setShape(file.layers, file.heads, selection);
  tokenView.render(text, tokens);
  draw();
}

/** A message in place of the views: what is wrong with the output's data. */
function showError(root: HTMLElement, message: string): void {
  root.append(el('div', { className: 'status', attrs: { role: 'alert', 'data-state': 'error' }, text: `Attention Lens: ${message}` }));
}

export const activate: ActivationFunction = () => ({
  renderOutputItem(outputItem, element) {
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    // An output is as wide as the notebook: the matrix keeps to a readable size within it.
    style.textContent = `${SCOPED_CSS}\n${CROSS_CSS}\n.notebook-root { padding: 0 0 8px; } .notebook-views .pane { display: block; } .notebook-views .matrix-pane { max-width: 560px; }`;
    const root = el('div', { className: 'notebook-root attention-lens-output' });
    shadow.replaceChildren(style, root);
    let file: AttentionFile;
    try {
      file = readAttentionJson(outputItem.json());
    } catch (err) {
      showError(root, err instanceof Error ? err.message : String(err));
      return;
    }
    if (file.kind === 'cross') {
      const view = new CrossView({ modelName: file.model.name, layers: file.layers, heads: file.heads, queries: fileTokens(file.queries), keys: fileTokens(file.keys), attention: file.attention });
      root.append(view.element);
      return;
    }
    mount(root, file);
  },
});
