/**
 * Webview drawing path, in headless Chromium without VS Code: a static page loads the panel
 * bundle (webview/main.ts, built as dist/webview.js is) with media/webview.css and a fake
 * acquireVsCodeApi that answers matrix requests in the page. Synthetic results at 512 and 2048
 * tokens (2048 is past the bundled model's context: only the drawing path is measured). The page's
 * host answers with codes encoded beforehand: the extension host's encoding and the workbench's
 * channel are not in these figures (the e2e group measures those).
 *
 * - first paint: ShowResult posted -> Painted (token chips, matrix request, heatmap, next frame)
 * - repaint: head switched in the #head control -> Painted; the panel's own paintMs is the same
 *   span measured inside the webview. It ends in a requestAnimationFrame callback, so it
 *   includes waiting for the next frame (up to ~16.7 ms at 60 Hz).
 * - draw: the synchronous part of a repaint (matrix message handled: heatmap + shading).
 * - hover -> shade: mouseover on a chip until shading is applied and style/layout recomputed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResultSummary, TokenInfo } from '../../src/shared/protocol';
import { launchBrowser } from '../../test/harness/workbench';
import { buildBundles, webviewBundlePath } from '../lib/build';
import { cacheDir, repoRoot } from '../lib/paths';
import { median, repeats, round, timingRow, type Row } from '../lib/stats';
import { encodeBundled, fixtureText } from '../lib/tokens';

// Page-side code below runs in Chromium (Playwright serialises the functions); the project's
// tsconfig has no DOM lib, so the few browser globals used are declared here, module-local.
declare const document: any;
declare const window: any;
declare const MouseEvent: any;
declare const getComputedStyle: any;

const GROUP = 'webview';
const LAYERS = 4;
const HEADS = 4;

function syntheticResult(size: number, runId: number): ResultSummary {
  const base = fixtureText(512);
  let text = base;
  while (encodeBundled(text).length < size) text += '\n' + base;
  const encoded = encodeBundled(text).slice(0, size);
  text = text.slice(0, encoded[encoded.length - 1].end);
  const tokens: TokenInfo[] = encoded.map((t) => ({ text: t.text, start: t.start, end: t.end, id: t.id, special: t.special }));
  return {
    runId,
    text,
    tokens,
    layers: LAYERS,
    heads: HEADS,
    modelName: 'synthetic',
    backend: 'none',
    source: `synthetic-${size}.ts:1-${text.split('\n').length}`,
    truncated: false,
    causal: true,
    timings: { tokenize: 0, inference: 0, load: 0, transfer: 0, total: 0 },
  };
}

/** The fake host, run in the page before webview.js. */
const FAKE_HOST = `
(() => {
  const matrices = new Map();
  window.__bench = { painted: [], handled: [], state: undefined, size: 0 };
  function matrix(size, layer, head) {
    const key = size + ':' + layer + ':' + head;
    let m = matrices.get(key);
    if (m) return m;
    // Deterministic causal rows: weights decay with distance, plus a per-head pattern.
    m = new Float32Array(size * size);
    let seed = 1 + layer * 31 + head * 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (let q = 0; q < size; q++) {
      let sum = 0;
      const row = q * size;
      for (let k = 0; k <= q; k++) { const w = rand() / (1 + (q - k) * (head + 1) * 0.05); m[row + k] = w; sum += w; }
      for (let k = 0; k <= q; k++) m[row + k] /= sum;
    }
    matrices.set(key, m);
    return m;
  }
  // The codes a reply carries, encoded once per matrix (before timing, with the matrix): the
  // real host encodes in the extension host, not on the webview's thread, so only the copy of
  // the codes into a fresh buffer per reply stays in the timed path.
  const encoded = new Map();
  function lowerCodes(size, layer, head) {
    const key = size + ':' + layer + ':' + head;
    let codes = encoded.get(key);
    if (codes) return codes;
    const m = matrix(size, layer, head);
    codes = new Uint16Array(size * (size + 1) / 2);
    let at = 0;
    for (let q = 0; q < size; q++) for (let k = 0; k <= q; k++) codes[at++] = Math.round(Math.sqrt(m[q * size + k]) * 65535);
    encoded.set(key, codes);
    return codes;
  }
  window.__benchMatrix = (size, layer, head) => lowerCodes(size, layer, head) && matrix(size, layer, head);
  window.acquireVsCodeApi = () => ({
    getState: () => window.__bench.state,
    setState: (s) => { window.__bench.state = s; },
    postMessage: (message) => {
      if (message.type === 'matrix/request') {
        const size = window.__bench.size;
        const head = typeof message.selector.head === 'number' ? message.selector.head : 0;
        // As the real host does (src/shared/compactMatrix.ts): a fresh buffer per reply of sqrt16
        // codes for drawing, float32 when asked for exact values; delivered as a message.
        const m = matrix(size, message.selector.layer, head);
        let data, encoding;
        if (message.exact) {
          data = m.slice().buffer;
          encoding = 'float32';
        } else {
          // The synthetic matrices are causal: the lower triangle travels, as from the real host.
          data = lowerCodes(size, message.selector.layer, head).slice().buffer;
          encoding = 'sqrt16-lower';
        }
        window.postMessage({ type: 'matrix/show', requestId: message.requestId, runId: message.runId,
          selector: message.selector, size, data, encoding }, '*', [data]);
      } else if (message.type === 'webview/painted') {
        window.__bench.painted.push({ at: performance.now(), runId: message.runId, paintMs: message.paintMs });
      }
    },
  });
})();
`;

/** Registered after webview.js: runs right after the panel handled a message. */
const AFTER_HANDLER = `
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'matrix/show') window.__bench.handled.push(performance.now());
});
`;

function pageHtml(): string {
  const css = pathToFileURL(join(repoRoot, 'media', 'webview.css')).href;
  const js = pathToFileURL(webviewBundlePath).href;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="${css}"><title>bench</title>
<style>:root { --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; }</style>
<script>${FAKE_HOST}</script></head>
<body data-view="panel"><div id="app"></div><script src="${js}"></script><script>${AFTER_HANDLER}</script></body></html>`;
}

export async function runWebview(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  await buildBundles();
  const dir = join(cacheDir, 'webview');
  mkdirSync(dir, { recursive: true });
  const pagePath = join(dir, 'index.html');
  writeFileSync(pagePath, pageHtml());
  const browser = await launchBrowser({ profileDir: join(cacheDir, `chromium-webview-${process.pid}`) });
  const rows: Row[] = [];
  const keys: Record<string, number> = {};
  try {
    const page = browser.page;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(pagePath).href);
    await page.locator('#summary').waitFor({ state: 'attached' });
    let runId = 0;
    for (const size of [512, 2048]) {
      // Matrices are generated before timing: the host's slicing is not the webview's cost.
      await page.evaluate(
        ({ size, heads }) => {
          (window as any).__bench.size = size;
          for (let h = 0; h < heads; h++) (window as any).__benchMatrix(size, 0, h);
        },
        { size, heads: HEADS },
      );
      const first: number[] = [];
      for (let i = 0; i < repeats(5, 2); i++) {
        const result = syntheticResult(size, ++runId);
        const ms = await page.evaluate(async (result) => {
          const bench = (window as any).__bench;
          const before = bench.painted.length;
          // Start from head 0 of layer 0.
          bench.state = { layer: 0, head: 0, pinned: undefined };
          const t0 = performance.now();
          window.postMessage({ type: 'result/show', result }, '*');
          while (bench.painted.length === before) await new Promise((r) => setTimeout(r, 1));
          return bench.painted[bench.painted.length - 1].at - t0;
        }, result);
        first.push(ms);
      }
      rows.push(timingRow(GROUP, `first paint of a result (ShowResult -> painted), ${size} tok`, first));

      const switches = await page.evaluate(
        async ({ n, heads }) => {
          const bench = (window as any).__bench;
          const select = document.getElementById('head') as { value: string; dispatchEvent(e: unknown): void };
          const out: { repaint: number; paintMs: number; draw: number }[] = [];
          for (let i = 0; i < n; i++) {
            // Let the previous frame settle so each switch starts from an idle page.
            await new Promise((r) => setTimeout(r, 30));
            const before = bench.painted.length;
            const handledBefore = bench.handled.length;
            select.value = String((i + 1) % heads);
            const t0 = performance.now();
            select.dispatchEvent(new Event('change'));
            while (bench.painted.length === before) await new Promise((r) => setTimeout(r, 0));
            const p = bench.painted[bench.painted.length - 1];
            const handled = bench.handled.length > handledBefore ? bench.handled[bench.handled.length - 1] : NaN;
            out.push({ repaint: p.at - t0, paintMs: p.paintMs, draw: handled - t0 });
          }
          return out;
        },
        { n: repeats(20, 5), heads: HEADS },
      );
      const repaint = switches.map((s) => s.repaint);
      rows.push(timingRow(GROUP, `repaint after head switch (change -> painted, to next frame), ${size} tok`, repaint));
      rows.push(timingRow(GROUP, `  same, as the panel reports it (paintMs), ${size} tok`, switches.map((s) => s.paintMs)));
      rows.push(timingRow(GROUP, `  synchronous part (request, reply, heatmap + shading drawn), ${size} tok`, switches.map((s) => s.draw)));
      keys[`repaint_${size}`] = round(median(repaint), 1);

      const hover = await page.evaluate(async (n) => {
        const chips: any[] = Array.from(document.querySelectorAll('.chip'));
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          await new Promise((r) => setTimeout(r, 10));
          const chip = chips[Math.floor(chips.length * (i % 2 ? 0.8 : 0.6))];
          const t0 = performance.now();
          chip.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
          // Force the style and layout work the shading causes.
          document.body.getBoundingClientRect();
          void getComputedStyle(chips[chips.length - 1]).backgroundColor;
          out.push(performance.now() - t0);
          if (!chip.classList.contains('query')) throw new Error('hover did not mark the query chip');
        }
        return out;
      }, repeats(20, 5));
      rows.push(timingRow(GROUP, `hover -> shaded (handler + style/layout), ${size} tok`, hover));
      keys[`hover_shade_${size}`] = round(median(hover), 2);
    }
    if (errors.length) rows.push({ group: GROUP, name: 'page errors', value: errors.length, unit: '', note: errors.slice(0, 2).join(' | ') });
  } finally {
    await browser.close();
  }
  return { rows, keys };
}
