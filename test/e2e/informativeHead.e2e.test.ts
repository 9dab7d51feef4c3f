// A new run opens on its most informative head (the `openOn` setting's default): the panel says
// which head and why, the Model view's sort by that pattern puts the same head first, and once
// the user picks a head by hand, later runs keep it. Screenshot: test/e2e/artifacts/informative-head.png.
import * as assert from 'node:assert/strict';
import { openFile, screenshot } from '../harness/workbench';
import { openTab, selectLines, showAttention, startWorkbench, type Workbench } from './steps';

describe('Runs open on their most informative head', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.openOn': 'mostInformativeHead' } });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('opens on the strongest pattern head, says so, and keeps a head picked by hand', async function () {
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 28);
    const view = await showAttention(page);
    const note = view.locator('#head-note');
    await note.filter({ hasText: /^Opened on layer \d+ · head \d+/ }).waitFor({ timeout: 60_000 });
    const text = (await note.textContent()) ?? '';
    const [, layer, head, pattern] = /^Opened on layer (\d+) · head (\d+), the strongest (previous-token|bracket|induction) head/.exec(text) ?? [];
    assert.ok(layer !== undefined, `the note names the head: ${text}`);
    // Every control shows the chosen head, and the panel repainted for it.
    assert.equal(await view.locator('#layer').inputValue(), layer);
    assert.equal(await view.locator('#head').inputValue(), head);
    await screenshot(page, 'informative-head');

    // The Model view's sort by the same pattern ranks that head first.
    await openTab(view, 'model');
    await view.locator('body[data-thumbs-run]').waitFor({ timeout: 30_000 });
    const sortBy = pattern === 'previous-token' ? 'previous' : pattern;
    await view.locator('#sort').selectOption(sortBy);
    await view.locator(`.thumb-grid[data-sorted="${sortBy}"]`).waitFor();
    const first = view.locator('.thumb').first();
    assert.equal(await first.getAttribute('data-layer'), layer);
    assert.equal(await first.getAttribute('data-head'), head);

    // A head picked by hand: the note goes, and the next run keeps that head.
    await openTab(view, 'tokens');
    const other = head === '0' ? '1' : '0';
    await view.locator('#head').selectOption(other);
    assert.equal(await note.textContent(), '');
    const before = await view.locator('body').getAttribute('data-painted-run');
    await selectLines(page, 20);
    await showAttention(page);
    await view.locator(`body:not([data-painted-run="${before}"])`).waitFor({ timeout: 60_000 });
    // Give a wrongly running chooser the time its scores take (it would move the head).
    await page.waitForTimeout(2_000);
    assert.equal(await view.locator('#head').inputValue(), other, 'the picked head is kept');
    assert.equal(await view.locator('#layer').inputValue(), layer);
    assert.equal(await note.textContent(), '');
  });
});
