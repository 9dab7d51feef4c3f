/**
 * Stands in for the VS Code extension host in the standalone HTML report: it serves the panel
 * webview (the same dist/webview.js) from the result embedded in the page, with no network.
 * Loaded before webview.js, it defines acquireVsCodeApi and answers the webview's requests.
 */
import { MessageType, parseWebviewMessage, type SaveExportMessage, type ToWebviewMessage } from '../src/shared/protocol';
import type { ReportData } from '../src/shared/reportData';
import { inMemoryLayers } from '../src/shared/attentionLayers';
import { nestedAttention } from '../src/shared/resultJson';
import { answerViewRequest, type HeldRun } from '../src/shared/viewRequests';


function decodeLayer(base64: string): Float32Array {
  // A plain loop: Uint8Array.from with a mapping callback took ~2 s for a 512-token report.
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const element = document.getElementById('attention-lens-data');
const data = JSON.parse(element?.textContent ?? 'null') as ReportData;
// The report embeds attention only (no q/k/v): the math view says so.
const run: HeldRun = { runId: data.summary.runId, tokens: data.summary.tokens, attention: inMemoryLayers(data.attention.map(decodeLayer), data.summary.tokens.length), vectors: undefined, causal: data.summary.causal };
let state: unknown;

/** The report has no save dialog: exports are browser downloads. JSON holds the embedded attention. */
function download(message: SaveExportMessage): void {
  const body =
    message.format === 'json'
      ? JSON.stringify({ ...data.meta, attention: nestedAttention(run.attention, run.tokens.length) })
      : message.data ?? '';
  const type = message.format === 'svg' ? 'image/svg+xml' : message.format === 'png' ? 'image/png' : 'application/json';
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: `${message.name}.${message.format}` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function deliver(message: ToWebviewMessage): void {
  // Asynchronous, like a real postMessage from the host.
  setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: message })), 0);
}

(globalThis as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    switch (message?.type) {
      case MessageType.Ready:
        deliver({ type: MessageType.ShowResult, result: data.summary });
        break;
      case MessageType.RequestMatrix:
      case MessageType.RequestWeights:
      case MessageType.RequestRollout:
      case MessageType.RequestThumbnails:
      case MessageType.RequestQueryMath: {
        const reply = answerViewRequest(run, message);
        if (reply) deliver(reply);
        break;
      }
      case MessageType.SaveExport:
        download(message);
        break;
    }
  },
  getState: () => state,
  setState: (next: unknown) => {
    state = next;
  },
});
