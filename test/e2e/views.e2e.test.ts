// Drives each view of the panel in the real workbench: tokens (hover, span, direction), matrix
// (colour scale, crosshair, zoom, rollout), model (thumbnails, sort, focus a head) and math (one
// query's numbers), measures repaints of synthetic 512- and 2048-token matrices, and checks that
// the settings survive a window reload. Screenshots go to test/e2e/artifacts/views-*.png.
// Repaint times are logged and saved, not asserted: `npm run bench` measures speed.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { cellColorIndices } from '../../src/shared/svgFigure';
import type { ResultJson } from '../../src/shared/resultJson';
import { drawnCellIndices } from '../support/svgCells';
import { artifactsDir, openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { exportThrough, openTab, selectLines, showAttention, startWorkbench, workspace, type Workbench } from './steps';


async function paints(view: FrameLocator): Promise<number> {
  return Number(await view.locator('body').getAttribute('data-paints'));
}


describe('The panel views in the workbench', function () {
  let workbench: Workbench;
  let view: FrameLocator;
  const timings: Record<string, unknown> = {};

  before(async function () {
    workbench = await startWorkbench();
    await openFile(workbench.page, 'sample.ts');
    await selectLines(workbench.page, 30);
    view = await showAttention(workbench.page);
  });

  after(async function () {
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'views-timings.json'), JSON.stringify(timings, null, 2));
    await workbench?.stop();
  });

  it('tokens: hover shades with exact weights, shift-click sums a span, direction flips to columns', async function () {
    const chips = view.locator('.chip');
    const count = await chips.count();
    assert.ok(count > 60, `${count} tokens`);
    await chips.nth(Math.floor(count * 0.6)).hover();
    await view.locator('.chip.query').waitFor();
    assert.ok((await view.locator('.chip.shaded').count()) >= 1);
    // Colours come from the compact matrix at once; the numbers once the exact weights are in.
    await view.locator('#token-details[data-exact="true"]').waitFor();
    assert.match((await chips.nth(0).getAttribute('title')) ?? '', /weight \d\.\d{4}/, 'a chip title gives its exact weight');
    assert.ok((await view.locator('#token-details li').count()) >= 5, 'top weights are listed');
    // Pin a token, shift-click another: the span's attention is summed.
    await chips.nth(20).click();
    await chips.nth(24).click({ modifiers: ['Shift'] });
    await view.locator('.token-view').hover({ position: { x: 2, y: 2 } });
    await workbench.page.mouse.move(5, 5);
    await view.locator('.details-title', { hasText: 'span' }).waitFor();
    assert.equal(await view.locator('.chip.query').count(), 5, 'five tokens in the span');
    await view.locator('#direction').selectOption('from');
    await view.locator('.details-title', { hasText: 'is attended by' }).waitFor();
    await screenshot(workbench.page, 'views-tokens');
    await view.locator('#direction').selectOption('to');
    await chips.nth(40).click();
  });

  it('matrix: legend, crosshair readout, per-row colours, zoom with token labels, rollout', async function () {
    await openTab(view, 'matrix');
    const canvas = view.locator('canvas.heatmap-canvas');
    const box = (await canvas.boundingBox())!;
    assert.ok(box.width > 200, `matrix drawn at ${box.width}px`);
    assert.equal(await view.locator('.legend-ticks span').count(), 5, 'the legend has ticks');
    await view.locator('#color').selectOption('row');
    await workbench.page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.8);
    await view.locator('#readout', { hasText: 'query #' }).waitFor();
    await screenshot(workbench.page, 'views-matrix');
    // Zoom in on the lower-left part until token labels are drawn.
    for (let i = 0; i < 6; i++) {
      await workbench.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7);
      await workbench.page.mouse.wheel(0, -400);
    }
    await view.locator('.heatmap[data-labels="tokens"]').waitFor();
    await workbench.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await screenshot(workbench.page, 'views-matrix-zoomed');
    const before = await paints(view);
    await view.locator('#head').selectOption('rollout');
    await view.locator(`body[data-paints="${before + 1}"]`).waitFor();
    await view.locator('#zoom-reset').click();
    await screenshot(workbench.page, 'views-matrix-rollout');
  });

  it('model: thumbnails of every head with badges; sorting; clicking focuses a head', async function () {
    await openTab(view, 'model');
    await view.locator('body[data-thumbs-run]').waitFor({ timeout: 30_000 });
    const thumbs = view.locator('.thumb');
    assert.equal(await thumbs.count(), 16, '4 layers x 4 heads');
    await screenshot(workbench.page, 'views-model');
    await view.locator('#sort').selectOption('previous');
    await view.locator('.thumb-grid[data-sorted="previous"]').waitFor();
    const before = await paints(view);
    await view.locator('.thumb[data-layer="2"][data-head="1"]').click();
    await view.locator(`body[data-paints="${before + 1}"]`).waitFor();
    assert.equal(await view.locator('#layer').inputValue(), '2');
    assert.equal(await view.locator('#head').inputValue(), '1');
    assert.equal(await view.locator('.thumb[aria-pressed="true"]').count(), 1);
    await screenshot(workbench.page, 'views-model-sorted');
  });

  it("math: the query's q, k, scores, mask, softmax and output, checked against the model", async function () {
    await openTab(view, 'math');
    await view.locator('body[data-math-run]').waitFor({ timeout: 30_000 });
    await view.locator('.math-table tbody tr').first().waitFor();
    const text = (await view.locator('#math').textContent()) ?? '';
    assert.match(text, /Layer 2 · head 1 · query #40/);
    assert.match(text, /√d_k/);
    assert.equal(await view.locator('.check.ok').count(), 2, `both checks pass: ${text.slice(0, 400)}`);
    await screenshot(workbench.page, 'views-math');
    await view.locator('#math-all').click();
    assert.ok((await view.locator('.math-table tbody tr.masked').count()) > 0, 'masked keys are listed with −∞');
    await view.locator('#math-all').click();
  });

  it('exports the matrix as SVG and PNG and the result as JSON through the save dialog, all from the same run', async function () {
    const page = workbench.page;
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-export-'));
    await openTab(view, 'matrix');
    await view.locator('#layer').selectOption('2');
    await view.locator('#head').selectOption('1');
    await view.locator('#color').selectOption('row');
    await view.locator('#threshold').fill('0');
    const json = JSON.parse(await exportThrough(page, view, 'json', join(folder, 'result.json'))) as ResultJson;
    const svg = await exportThrough(page, view, 'svg', join(folder, 'matrix.svg'));
    const png = Buffer.from(await exportThrough(page, view, 'png', join(folder, 'matrix.png'), 'binary'), 'binary');

    // JSON: the tokens are the source's, in order, with their offsets; every layer and head.
    const source = readFileSync(join(workspace, 'sample.ts'), 'utf8');
    const size = json.tokens.length;
    assert.ok(source.startsWith(json.source.text), 'the analysed text is the start of sample.ts');
    json.tokens.forEach((t, i) => {
      assert.equal(t.index, i);
      assert.equal(json.source.text.slice(t.start, t.end), t.text);
    });
    assert.equal(json.attention.length, 4);
    assert.equal(json.attention[2].length, 4);
    assert.equal(json.attention[2][1].length, size);

    // SVG: each cell drawn in the colour of its weight in the JSON (layer 2, head 1, per-row
    // colours as set above); JSON weights are rounded to 7 digits, so one colour step is allowed.
    const weights = Float32Array.from(json.attention[2][1].flat());
    const expected = cellColorIndices(weights, size, 'row', 0);
    const drawn = drawnCellIndices(svg, size);
    assert.ok(drawn.every((index) => index >= 0), 'every cell is a viridis colour');
    let worst = 0;
    drawn.forEach((index, cell) => (worst = Math.max(worst, Math.abs(index - expected[cell]))));
    assert.ok(worst <= 1, `worst colour difference ${worst}`);
    const labels = [...svg.slice(svg.indexOf('query-labels'), svg.indexOf('key-labels')).matchAll(/data-index="(\d+)"/g)].map((m) => Number(m[1]));
    // Every step-th token is labelled (all of them when the cells are big enough), in order.
    const step = labels[1] - labels[0];
    assert.ok(step >= 1 && labels.length === Math.ceil(size / step), `${labels.length} labels, every ${step}`);
    labels.forEach((label, i) => assert.equal(label, i * step));
    assert.match(svg, /<title>sample\.ts:1-\d+ · attention-lens-code-4x4 · layer 2, head 1<\/title>/);

    // PNG: the same figure at twice its size.
    const svgWidth = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), svgWidth * 2, 'PNG width is 2x the SVG');

    // Tokens view: the shading of a pinned token, with its exact weights. The mouse leaves the
    // save dialog's OK button first: resting there, over the panel's editor tab, it raises the
    // tab's hover, which covers the top of the panel.
    await page.mouse.move(5, 5);
    await openTab(view, 'tokens');
    // Pin a token no earlier step pinned (a second click would unpin it), then move the mouse
    // away so the pinned token, not a hovered one, is what the shading shows.
    await view.locator('.chip').nth(41).click();
    await page.mouse.move(5, 5);
    await view.locator('.chip.query[data-index="41"]').waitFor();
    assert.equal(await view.locator('.chip.query').count(), 1);
    const tokensSvg = await exportThrough(page, view, 'svg', join(folder, 'tokens.svg'));
    const shaded = [...tokensSvg.matchAll(/<g class="token" data-index="(\d+)" data-weight="([\d.]+)">/g)];
    assert.equal(shaded.length, size, 'every token is in the figure');
    // The model's float32 weights, not the compact drawing codes (up to 1.5e-5 off): within the
    // figure's 6 decimals and the JSON's 7 significant digits.
    shaded.forEach(([, index, weight], i) => {
      assert.equal(Number(index), i);
      const expected = json.attention[2][1][41][i];
      assert.ok(Math.abs(Number(weight) - expected) <= 5e-7 + 5e-8, `token ${i}: ${weight} vs ${expected}`);
    });
    // The strongest keys listed beside the tokens: the same float32 numbers.
    await view.locator('#token-details[data-exact="true"]').waitFor();
    const listed = await view.locator('#token-details li').evaluateAll((items) =>
      items.map((li) => [Number(/#(\d+)/.exec(li.querySelector('.top-token')?.textContent ?? '')?.[1]), li.querySelector('.top-weight')?.textContent ?? '']),
    );
    assert.ok(listed.length >= 5, `${listed.length} strongest keys listed`);
    for (const [key, text] of listed) assert.ok(Math.abs(Number(text) - json.attention[2][1][41][key as number]) <= 5e-5 + 5e-8, `key ${key}: ${text}`);
    copyFileSync(join(folder, 'matrix.svg'), join(artifactsDir, 'export-matrix.svg'));
    copyFileSync(join(folder, 'matrix.png'), join(artifactsDir, 'export-matrix.png'));
    copyFileSync(join(folder, 'tokens.svg'), join(artifactsDir, 'export-tokens.svg'));
  });

  it('paints synthetic 512- and 2048-token matrices', async function () {
    await openTab(view, 'matrix');
    for (const size of [512, 2048]) {
      const measured = await view.locator('body').evaluate(
        (body, size) =>
          new Promise<{ drawMs: number; handlerMs: number; frameMs: number }>((resolve) => {
            const runId = 900_000 + size;
            const text = Array.from({ length: size }, (_, i) => `t${i}`).join(' ');
            let at = 0;
            const tokens = Array.from({ length: size }, (_, i) => {
              const start = at;
              at += `t${i}`.length + 1;
              return { text: `t${i}`, start, end: start + `t${i}`.length, id: i, special: false };
            });
            const timings = { tokenize: 0, inference: 0, load: 0, transfer: 0, total: 0 };
            const result = { runId, text, tokens, layers: 4, heads: 4, modelName: 'synthetic', backend: '-', source: 'synthetic', truncated: false, causal: true, timings };
            window.dispatchEvent(new MessageEvent('message', { data: { type: 'result/show', result } }));
            const matrix = new Float32Array(size * size);
            for (let i = 0; i < size; i++) for (let j = 0; j <= i; j++) matrix[i * size + j] = (j === i - 1 ? 4 : 1) / (i + 4);
            const requestId = Number(body.dataset.matrixRequest);
            const started = performance.now();
            window.dispatchEvent(new MessageEvent('message', { data: { type: 'matrix/show', requestId, runId, selector: { layer: 0, head: 0 }, size, data: matrix.buffer, encoding: 'float32' } }));
            const handlerMs = performance.now() - started;
            requestAnimationFrame(() => resolve({ drawMs: Number(body.dataset.drawMs), handlerMs, frameMs: performance.now() - started }));
          }),
        size,
      );
      timings[`synthetic${size}`] = measured;
      console.log(`      ${size} tokens: colouring ${measured.drawMs.toFixed(1)} ms, message handler ${measured.handlerMs.toFixed(1)} ms, to next frame ${measured.frameMs.toFixed(1)} ms`);
      await view.locator(`body[data-painted-run="${900_000 + size}"]`).waitFor({ timeout: 30_000 });
      await screenshot(workbench.page, `views-synthetic-${size}`);
    }
  });

  it('keeps the settings across a window reload', async function () {
    const page = workbench.page;
    await openTab(view, 'math');
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const restored = webviewFrame(page);
    await restored.locator('body[data-tab="math"]').waitFor({ timeout: 60_000 });
    assert.equal(await restored.locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'math');
    assert.equal(await restored.locator('#color').inputValue(), 'row');
    // The tensors live in the extension host, which the reload restarted: the next run is drawn
    // with the kept layer and head.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
    // Quick Open opens files in the active group: make it the editor's, not the panel's.
    await runCommand(page, 'View: Focus First Editor Group');
    await openFile(page, 'sample.ts');
    await selectLines(page, 30);
    const rerun = await showAttention(page);
    await rerun.locator('body[data-math-run]').waitFor({ timeout: 30_000 });
    assert.equal(await rerun.locator('#layer').inputValue(), '2');
    assert.equal(await rerun.locator('#head').inputValue(), '1');
    assert.equal(await rerun.locator('#color').inputValue(), 'row');
    await screenshot(page, 'views-after-reload');
  });
});
