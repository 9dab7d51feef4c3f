// Honest states and small layouts in the real workbench: the banner and the editor mark where a
// cut analysis stopped; an edit inside the analysed text raises the stale banner, undo clears it,
// Re-run analyses the text as it is; every control of every view can be reached in a 280 px wide
// panel and at 200% zoom; a panel restored by Reload Window has Export disabled until a result.
// Screenshots go to test/e2e/artifacts/honest-*.png.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { openTab, showAttention, startWorkbench, workspace, type Workbench } from './steps';

/** The browser window of the e2e harness (launchBrowser), in CSS px. */
const WINDOW = { width: 1400, height: 900 };
const TOKEN_LIMIT = 48;

async function paintedRun(view: FrameLocator): Promise<string | null> {
  return view.locator('body').getAttribute('data-painted-run');
}

/** Editor decorations whose `after` text (CSS generated content) holds `text`. */
async function editorAfterTexts(page: Page, text: string): Promise<string[]> {
  return page.evaluate((wanted) => {
    const found: string[] = [];
    for (const node of Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines span'))) {
      const content = getComputedStyle(node, '::after').content;
      if (content && content.includes(wanted)) found.push(content);
    }
    return found;
  }, text);
}

/** The panel's width and height in CSS px. */
async function panelSize(view: FrameLocator): Promise<{ width: number; height: number }> {
  return view.locator('body').evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
}

/**
 * Every visible control of the shown view that cannot be brought fully inside the panel (by
 * scrolling it into view) or is covered there by something else, such as a sticky header.
 */
async function unreachableControls(view: FrameLocator): Promise<string[]> {
  return view.locator('body').evaluate(async () => {
    const bad: string[] = [];
    const controls = Array.from(document.querySelectorAll<HTMLElement>('button, select, input, summary, [role="tab"], [tabindex="0"]')).filter(
      // checkVisibility: rendered at all (not display:none, not in a closed <details>).
      (c) => c.checkVisibility() && !c.closest('[hidden]'),
    );
    for (const control of controls) {
      control.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      const r = control.getBoundingClientRect();
      const name = control.id || control.getAttribute('aria-label') || control.textContent?.trim().slice(0, 24) || control.tagName;
      const tall = r.height > window.innerHeight;
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) bad.push(`${name}: x ${r.left.toFixed(0)}..${r.right.toFixed(0)} outside 0..${window.innerWidth}`);
      else if (!tall && (r.top < -0.5 || r.bottom > window.innerHeight + 0.5)) bad.push(`${name}: y ${r.top.toFixed(0)}..${r.bottom.toFixed(0)} outside 0..${window.innerHeight}`);
      else {
        const x = r.left + Math.min(r.width / 2, 6);
        const y = tall ? Math.min(window.innerHeight - 2, Math.max(r.top, 0) + 6) : r.top + r.height / 2;
        const hit = document.elementFromPoint(x, y);
        if (hit && !control.contains(hit) && !hit.contains(control) && !(hit instanceof HTMLLabelElement && hit.control === control)) {
          bad.push(`${name}: covered by ${hit.tagName.toLowerCase()}.${hit.className}`);
        }
      }
    }
    // A view wider than its pane would scroll as a whole; only its tables and vectors may.
    for (const pane of Array.from(document.querySelectorAll<HTMLElement>('.pane')).filter((p) => !p.hidden)) {
      if (pane.scrollWidth > pane.clientWidth + 1) {
        const edge = pane.getBoundingClientRect().left + pane.clientWidth;
        const wide = Array.from(pane.querySelectorAll<HTMLElement>('*'))
          .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > edge + 1)
          .slice(0, 4)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${e.getBoundingClientRect().right.toFixed(0)} > ${edge.toFixed(0)})`);
        bad.push(`the ${pane.id} pane scrolls sideways: ${pane.scrollWidth} px in ${pane.clientWidth}: ${wide.join(', ')}`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      // Name the innermost elements that stick out, to say what to fix.
      const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter((e, _, all) => !all.some((other) => other !== e && e.contains(other)))
        .slice(0, 4)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} (${e.getBoundingClientRect().right.toFixed(0)})`);
      bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in ${window.innerWidth}: ${wide.join(', ')}`);
    }
    return bad;
  });
}

/** Checks every view of the panel at its present size and saves one screenshot per view. */
async function assertEveryControlReachable(page: Page, view: FrameLocator, name: string): Promise<void> {
  const problems: string[] = [];
  for (const tab of ['tokens', 'matrix', 'model', 'math'] as const) {
    await openTab(view, tab);
    if (tab === 'model') await view.locator('.thumb').first().waitFor();
    if (tab === 'math') await view.locator('.math-table').first().waitFor();
    problems.push(...(await unreachableControls(view)).map((p) => `${tab}: ${p}`));
    await view.locator('body').evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `honest-${name}-${tab}`);
  }
  assert.deepEqual(problems, [], `every control is reachable (${name})`);
}

describe('Honest states and small layouts in the workbench', function () {
  let workbench: Workbench;
  let view: FrameLocator;
  // The test edits sample.ts in the editor; the fixture on disk must stay as it is.
  const samplePath = join(workspace, 'sample.ts');
  const sample = readFileSync(samplePath, 'utf8');

  before(async function () {
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.maxTokens': TOKEN_LIMIT } });
  });

  after(async function () {
    await workbench?.stop();
    if (readFileSync(samplePath, 'utf8') !== sample) writeFileSync(samplePath, sample);
  });

  it('says where a cut analysis stopped, in the panel and in the editor', async function () {
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home'); // no selection: the whole file
    view = await showAttention(page);
    const banner = view.locator('#cut-banner');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    assert.match(text, new RegExp(`^Analysed (lines 1–\\d+|line 1 to line \\d+, column \\d+,) of 28 lines \\(${TOKEN_LIMIT}-token limit\\)\\.`), text);
    const marks = await editorAfterTexts(page, 'Analysed');
    assert.equal(marks.length, 1, 'the editor marks the end of the analysed text once');
    assert.ok(marks[0].includes(text.slice(0, text.indexOf('limit)') + 'limit)'.length)), `the editor says the same: ${marks[0]}`);
    assert.equal(await view.locator('#export-svg').isDisabled(), false, 'Export works with a result');
    await screenshot(page, 'honest-cut');
  });

  it('raises the stale banner on an edit inside the analysed text; undo clears it; Re-run analyses the text as it is', async function () {
    const page = workbench.page;
    const stale = view.locator('#stale-banner');
    assert.equal(await stale.isHidden(), true);
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End'); // the end of line 1: inside the analysed text
    await page.keyboard.type('!');
    await stale.waitFor();
    assert.match((await stale.textContent()) ?? '', /edited since this run/);
    assert.equal(await editorAfterTexts(page, 'Analysed').then((marks) => marks.length), 0, 'no cut marked on stale text');
    await screenshot(page, 'honest-stale');
    await page.keyboard.press('Control+Z');
    await stale.waitFor({ state: 'hidden' });

    await page.keyboard.type('!');
    await stale.waitFor();
    const before = await paintedRun(view);
    await view.locator('#rerun').click();
    await view.locator(`body[data-painted-run]:not([data-painted-run="${before}"])`).waitFor({ timeout: 60_000 });
    await stale.waitFor({ state: 'hidden' });
    assert.ok((await view.locator('.chip').allTextContents()).join('').includes('!'), 'the re-run analysed the edited text');
    assert.match((await view.locator('#cut-banner').textContent()) ?? '', /of 28 lines/, 're-run what was asked for: the whole file');
    // Undo the edit (the web workbench saves edits after a delay; after() restores the file too).
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Z');
  });

  it('every control is reachable in a 280 px wide panel', async function () {
    const page = workbench.page;
    // Narrow the window until the panel (one of two editor groups) is about 280 px wide.
    let width = WINDOW.width;
    for (let attempt = 0; attempt < 5; attempt++) {
      const size = await panelSize(view);
      if (Math.abs(size.width - 280) <= 12) break;
      width -= Math.round((size.width - 280) * 1.6);
      await page.setViewportSize({ width, height: WINDOW.height });
      await page.waitForTimeout(400);
    }
    const size = await panelSize(view);
    console.log(`      panel ${size.width} x ${size.height} px (window ${width} px)`);
    assert.ok(size.width <= 292, `the panel is narrow: ${size.width} px`);
    await assertEveryControlReachable(page, view, 'narrow');
  });

  it('every control is reachable at 200% zoom', async function () {
    const page = workbench.page;
    // Browser zoom at 200% lays the page out in half as many CSS px each way. With the side bar
    // open the panel would be narrower than the 280 px the layout is made for (checked above), so
    // it is closed, as a user zooming that far would.
    await page.setViewportSize({ width: WINDOW.width / 2, height: WINDOW.height / 2 });
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.waitForTimeout(400);
    const size = await panelSize(view);
    console.log(`      panel ${size.width} x ${size.height} px at 200%`);
    assert.ok(size.width >= 280, `the panel is at least 280 px wide: ${size.width}`);
    await assertEveryControlReachable(page, view, 'zoom200');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.setViewportSize(WINDOW);
  });

  it('offers Export in the panel\'s title-bar menu', async function () {
    const page = workbench.page;
    await page.locator('.tab', { hasText: 'Attention Lens' }).click();
    await page.locator('.editor-group-container.active .editor-actions .codicon-toolbar-more').click();
    const items = page.locator('.monaco-menu .action-label');
    await items.first().waitFor();
    const labels = await items.allTextContents();
    for (const label of ['Export View as SVG', 'Export View as PNG', 'Export Result as JSON']) assert.ok(labels.includes(label), `${label} in ${labels.join(' | ')}`);
    await screenshot(page, 'honest-title-menu');
    await page.keyboard.press('Escape');
  });

  it('a panel restored by Reload Window has no result, and Export is disabled', async function () {
    const page = workbench.page;
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const restored = webviewFrame(page);
    await restored.locator('#export-svg').waitFor({ timeout: 60_000 });
    assert.equal(await restored.locator('#export-svg').isDisabled(), true, 'nothing to export');
    assert.equal(await restored.locator('#cut-banner').isHidden(), true);
    await screenshot(page, 'honest-restored');
  });
});
