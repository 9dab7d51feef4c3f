// Attention saved from PyTorch, in the real workbench (Chromium, packaged extension): an
// .attention.safetensors file opened from the explorer's Quick Open shows in the custom editor, on
// its source file; a committed notebook whose saved output is what attention_lens.display() emits
// is drawn by the notebook renderer with no kernel. Screenshots go to test/e2e/artifacts/.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { repoRoot } from '../harness/vscodeServer';
import { artifactsDir, screenshot } from '../harness/workbench';
import { colorIndex } from '../../src/shared/colorScale';
import { crossMatrix } from '../../src/shared/crossAttention';
import { drawnCellIndices } from '../support/svgCells';
import { readAttentionFile } from '../../src/shared/attentionFile';
import { exportThrough, startWorkbench, workspace, type Workbench } from './steps';

const ATTENTION_FILE = 'bundled-model.attention.safetensors';
const NOTEBOOK = 'attention.ipynb';
const fixture = join(repoRoot, 'test', 'fixtures', 'attention-files', ATTENTION_FILE);
/** Copied into the sample workspace for this suite, and removed after it. */
const CROSS_FILE = 'cross-attention.attention.safetensors';
const copied = [ATTENTION_FILE, NOTEBOOK, 'snippet.py', CROSS_FILE].map((name) => join(workspace, name));

/** Opens a workspace file through Quick Open and waits for its tab (any editor, text or not). */
async function openAny(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.pressSequentially(name);
  // Click the row itself: Enter takes the top row, which may still be a recently opened file
  // while the list updates.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.tab.active', { hasText: name }).waitFor();
  // The click leaves the mouse over the tab bar, whose tooltip (a local path) would cover the
  // screenshots: move away and let it close.
  await page.mouse.move(700, 860);
  await page.locator('.workbench-hover').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}

/** The first webview content frame holding `selector`. */
async function frameWith(page: Page, selector: string): Promise<FrameLocator> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview').count();
    for (let i = 0; i < count; i++) {
      const frame = page.frameLocator('iframe.webview').nth(i).frameLocator('iframe#active-frame');
      if ((await frame.locator(selector).count()) > 0) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview holds ${selector}`);
}

describe('Attention files and notebooks (workbench)', function () {
  let workbench: Workbench;

  before(async function () {
    const file = readAttentionFile(readFileSync(fixture));
    copyFileSync(fixture, copied[0]);
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'notebooks', NOTEBOOK), copied[1]);
    writeFileSync(copied[2], file.queries.source!.text);
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'attention-files', CROSS_FILE), copied[3]);
    workbench = await startWorkbench();
  });

  after(async function () {
    await workbench?.stop();
    for (const path of copied) rmSync(path, { force: true });
  });

  it('the custom editor shows an attention file saved from PyTorch, tied to its source file', async function () {
    const page = workbench.page;
    await openAny(page, ATTENTION_FILE);
    const view = await frameWith(page, 'body[data-view="panel"][data-painted-run]');
    const summary = (await view.locator('#summary').textContent()) ?? '';
    assert.match(summary, /snippet\.py:1-4 \(bundled-model\.attention\.safetensors\)/);
    assert.match(summary, /safetensors file/);
    // Pin a token: the token view shades what it attends to.
    await view.locator('.chip', { hasText: 'total' }).first().click();
    await view.locator('.token-details', { hasText: 'attends to' }).waitFor();
    await screenshot(page, 'attention-file-editor');
  });

  it('the notebook renderer draws a saved display() output, with no kernel', async function () {
    const page = workbench.page;
    await openAny(page, NOTEBOOK);
    const output = await frameWith(page, '.attention-lens-output[data-drawn]');
    const root = output.locator('.attention-lens-output');
    assert.match((await root.locator('.summary').textContent()) ?? '', /attention-lens-code-4x4 · 4 layers × 4 heads · 15 tokens/);
    assert.equal(await root.locator('.chip').count(), 15);
    // Pick layer 1, head 2: the matrix is drawn again for it.
    await root.locator('select[aria-label="Layer"]').selectOption('1');
    await root.locator('select[aria-label="Head or aggregate"]').selectOption('2');
    await output.locator('.attention-lens-output[data-drawn="1:2"]').waitFor();
    await root.locator('.chip').nth(8).hover();
    await root.locator('.token-details', { hasText: 'attends to' }).waitFor();
    await screenshot(page, 'notebook-renderer');
  });

  it('a cross-attention file shows both sequences and the rectangular T_q × T_k matrix', async function () {
    const page = workbench.page;
    const file = readAttentionFile(readFileSync(copied[3]));
    await openAny(page, CROSS_FILE);
    const view = await frameWith(page, '.cross-view[data-drawn]');
    const root = view.locator('.cross-view');
    assert.equal(await root.locator('.cross-queries .chip').count(), file.queryCount);
    assert.equal(await root.locator('.cross-keys .chip').count(), file.keyCount);
    await root.locator('.cross-queries .chip').nth(2).hover();
    await view.locator('.cross-view[data-focus="2"]').waitFor();
    // Key #0 is shaded by query #2's weight on it.
    assert.match((await root.locator('.cross-keys .chip').first().getAttribute('title')) ?? '', /^key #0: 0\.\d{4}$/);
    await screenshot(page, 'cross-attention-file');

    // The matrix as a figure, through the save dialog: T_q rows by T_k columns, each cell in the
    // colour of its weight in the file (layer 0, mean of heads, as shown; √ scale, top = largest weight).
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-cross-'));
    const svg = await exportThrough(page, view, 'svg', join(folder, 'cross.svg'));
    const tq = file.queryCount;
    const tk = file.keyCount;
    const mean = crossMatrix(file.attention[0], file.heads, tq, tk, 'mean')!;
    const top = mean.reduce((a, b) => Math.max(a, b), 0);
    const drawn = drawnCellIndices(svg, tq, tk);
    drawn.forEach((index, cell) => assert.equal(index, mean[cell] > 0 ? colorIndex(mean[cell], top, 0.5) : 0, `cell ${cell}`));
    const labelled = (group: string) => [...svg.slice(svg.indexOf(group)).split('</g>')[0].matchAll(/data-index="(\d+)"/g)].map((m) => Number(m[1]));
    // Every step-th token is labelled, the same step on both axes: T_q labels down, T_k along.
    const rows = labelled('query-labels');
    const step = rows.length > 1 ? rows[1] - rows[0] : tq;
    assert.deepEqual(rows, Array.from({ length: Math.ceil(tq / step) }, (_, i) => i * step));
    assert.deepEqual(labelled('key-labels'), Array.from({ length: Math.ceil(tk / step) }, (_, i) => i * step));
    assert.match(svg, /<title>[^<]* · cross-attention · layer 0, mean of heads<\/title>/);
    copyFileSync(join(folder, 'cross.svg'), join(artifactsDir, 'export-cross.svg'));
    rmSync(folder, { recursive: true, force: true });
  });
});
