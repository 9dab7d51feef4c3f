// Drives the real VS Code workbench in Chromium with the packaged extension installed:
// open a file, select text, run Show Attention from the palette, read and hover the token chips
// in the panel, and save screenshots and stage timings to test/e2e/artifacts/.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { installExtension, repoRoot, startServer, type RunningServer } from '../harness/vscodeServer';
import {
  artifactsDir,
  launchBrowser,
  openFile,
  openWorkbench,
  runCommand,
  screenshot,
  webviewFrame,
  type Browser,
} from '../harness/workbench';

const vsix = join(repoRoot, 'attention-lens.vsix');
const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');

async function selectLines(page: Page, lines: number): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < lines; i++) await page.keyboard.press('Shift+ArrowDown');
}

describe('Show Attention in the workbench', function () {
  let server: RunningServer;
  let browser: Browser;

  before(async function () {
    assert.ok(existsSync(vsix), 'attention-lens.vsix exists (npm run package)');
    installExtension(vsix);
    server = await startServer({ workspaceFolder: workspace });
    browser = await launchBrowser();
    await openWorkbench(browser.page, server.url.split('?')[0], workspace);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
  });

  it('shows the selected tokens and the heatmap, and shades on hover', async function () {
    const page = browser.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 10);
    const commandStarted = Date.now();
    await runCommand(page, 'Show Attention');

    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    const commandToPaintMs = Date.now() - commandStarted;

    // The chips are the real tokens of the selection, in order.
    const chips = view.locator('.chip');
    const count = await chips.count();
    assert.ok(count > 20, `many tokens (${count})`);
    const chipTexts = await chips.allTextContents();
    const source = readFileSync(join(workspace, 'sample.ts'), 'utf8');
    let cursor = 0;
    for (const text of chipTexts) {
      if (text === '\u00b7') continue; // a byte fragment of a character another chip completes
      const at = source.indexOf(text, cursor);
      assert.ok(at >= cursor, `chip ${JSON.stringify(text)} appears in the source after the previous one`);
      cursor = at + text.length;
    }
    assert.ok(chipTexts.join('').includes('LruCache'), 'the class name is among the chips');

    // Hovering a late token shades the tokens it attends to.
    const target = chips.nth(Math.floor(count * 0.8));
    await target.hover();
    await view.locator('.chip.query').waitFor();
    const shaded = await view.locator('.chip.shaded').count();
    assert.ok(shaded >= 1, `hovering shades attended tokens (${shaded})`);
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
    const page = browser.page;
    const view = webviewFrame(page);
    const paints = Number(await view.locator('body').getAttribute('data-paints'));
    // Each switch asks the host for a new matrix and repaints.
    await view.locator('#layer').selectOption('3');
    await view.locator(`body[data-paints="${paints + 1}"]`).waitFor();
    await view.locator('#head').selectOption('mean');
    await view.locator(`body[data-paints="${paints + 2}"]`).waitFor();
    assert.equal(await view.locator('#layer').inputValue(), '3');
    await view.locator('.chip').nth(5).hover();
    await view.locator('.chip.shaded').first().waitFor();
    await screenshot(page, 'show-attention-layer3-mean');
  });
});
