/**
 * The attention file editor's webview for a cross-attention file: the host sends the whole file
 * once (tokens of both sequences and every layer's [heads, T_q, T_k] attention as ArrayBuffers)
 * and the CrossView draws it; what goes back is the request for it and figures to save.
 */
import { MessageType, floatsFromBuffer, type SaveExportMessage } from '../../src/shared/protocol';
import { CROSS_CSS, CrossView, type CrossData } from './crossView';

/** What the host posts: CrossData with each layer's attention as the bytes of a Float32Array. */
export interface ShowCrossMessage {
  readonly type: 'showCross';
  readonly data: Omit<CrossData, 'attention'> & { readonly attention: readonly ArrayBuffer[] };
}

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const sheet = new CSSStyleSheet();
// The stylesheet object, not a <style> element: the webview's CSP allows no inline styles.
sheet.replaceSync(CROSS_CSS);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const host = acquireVsCodeApi();

window.addEventListener('message', (event: MessageEvent<ShowCrossMessage>) => {
  const message = event.data;
  if (message?.type !== 'showCross') return;
  const { data } = message;
  const cells = data.heads * data.queries.tokens.length * data.keys.tokens.length;
  const attention = data.attention.map((buffer) => floatsFromBuffer(buffer, cells));
  if (attention.some((layer) => !layer)) return;
  const app = document.getElementById('app')!;
  // Figures go to the host, which asks where to save them (runId: a file is not a run).
  const save = (format: 'svg' | 'png', name: string, figure: string | ArrayBuffer) =>
    host.postMessage({ type: MessageType.SaveExport, runId: 0, format, name, data: figure } satisfies SaveExportMessage);
  app.replaceChildren(new CrossView({ ...data, attention: attention as Float32Array[] }, save).element);
  document.body.dataset.paintedRun = 'cross';
});
host.postMessage({ type: 'ready' });
