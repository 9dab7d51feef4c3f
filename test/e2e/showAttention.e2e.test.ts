// Drives the real VS Code workbench in Chromium with the packaged extension installed:
// open a file, select text, run Show Attention from the palette, read and hover the token chips
// in the panel, and save screenshots and stage timings to test/e2e/artifacts/.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { openTab, selectLines, startWorkbench, workspace, type Workbench } from './steps';


describe('Show Attention in the workbench', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await startWorkbench();
  });

  after(async function () {
    await workbench?.stop();
  });

  it('shows the selected tokens and the heatmap, and shades on hover', async function () {
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 10);
    const commandStarted = Date.now();
    await runCommand(page, 'Show Attention');

    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    const commandToPaintMs = Date.now() - commandStarted;
    assert.equal(await view.locator('body').getAttribute('data-matrix-from'), 'result', 'the first matrix came with the result, no request round trip');
    // The bundled model is causal: only the lower triangle crosses.
    assert.equal(await view.locator('body').getAttribute('data-matrix-encoding'), 'sqrt16-lower', 'the matrix for drawing crossed in the compact form');

    // The chips are the real tokens of the selection, in order.
    const chips = view.locator('.chip');
    const count = await chips.count();
    assert.ok(count > 20, `many tokens (${count})`);
    const chipTexts = await chips.allTextContents();
    const source = readFileSync(join(workspace, 'sample.ts'), 'utf8');
    let cursor = 0;
    for (const text of chipTexts) {
      if (text === '\u00b7') continue; // a byte fragment of a character another chip completes
      const sourceText = text.replace(/\u21b5/g, '\n'); // line breaks are drawn as ↵
      const at = source.indexOf(sourceText, cursor);
      assert.ok(at >= cursor, `chip ${JSON.stringify(text)} appears in the source after the previous one`);
      cursor = at + sourceText.length;
    }
    assert.ok(chipTexts.join('').includes('LruCache'), 'the class name is among the chips');

    // Hovering a late token shades the tokens it attends to.
    const target = chips.nth(Math.floor(count * 0.8));
    await target.hover();
    await view.locator('.chip.query').waitFor();
    const shaded = await view.locator('.chip.shaded').count();
    assert.ok(shaded >= 1, `hovering shades attended tokens (${shaded})`);
    await openTab(view, 'matrix');
    const canvas = view.locator('canvas.heatmap-canvas');
    assert.ok((await canvas.boundingBox())!.width > 100, 'the heatmap is drawn at a visible size');

    const summary = await view.locator('#summary').textContent();
    mkdirSync(artifactsDir, { recursive: true });
    const timings = { commandToPaintMs, chips: count, panelSummary: summary };
    writeFileSync(join(artifactsDir, 'show-attention-timings.json'), JSON.stringify(timings, null, 2));
    console.log(`      command -> painted: ${commandToPaintMs} ms; ${summary}`);
    await screenshot(page, 'show-attention');
  });

  it('switches layer and head and repaints', async function () {
    const page = workbench.page;
    const view = webviewFrame(page);
    const paints = Number(await view.locator('body').getAttribute('data-paints'));
    // Each switch asks the host for a new matrix and repaints.
    await view.locator('#layer').selectOption('3');
    await view.locator(`body[data-paints="${paints + 1}"]`).waitFor();
    await view.locator('#head').selectOption('mean');
    await view.locator(`body[data-paints="${paints + 2}"]`).waitFor();
    assert.equal(await view.locator('#layer').inputValue(), '3');
    await openTab(view, 'tokens');
    await view.locator('.chip').nth(5).hover();
    await view.locator('.chip.shaded').first().waitFor();
    await screenshot(page, 'show-attention-layer3-mean');
  });
});
