// The editor side in the real workbench (Chromium, packaged extension): hover an analysed token
// and read the tooltip, open the side-bar heatmap and see it drawn, move the cursor and see the
// attended tokens shaded in the editor. Screenshots go to test/e2e/artifacts/.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { VIRIDIS } from '../../src/shared/colorScale';
import { openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { selectLines, startWorkbench, viewFrame, type Workbench } from './steps';


/** The colours the extension contributes for shading (dark and light theme defaults). */
const SHADE_RGB = ['255, 165, 0', '200, 100, 0'];

function editorWord(page: Page, word: string): Locator {
  return page.locator('.editor-instance .monaco-editor .view-lines span span', { hasText: new RegExp(`^\\s*${word}$`) }).first();
}

/** Elements of the editor's overlay layer painted in the shading colours. */
async function shadedCount(page: Page): Promise<number> {
  // Runs in the page; written as a string because this file is type-checked without the DOM.
  return page.evaluate(`(() => {
    const rgbs = ${JSON.stringify(SHADE_RGB)};
    const nodes = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-overlays div'));
    return nodes.filter((n) => rgbs.some((rgb) => getComputedStyle(n).backgroundColor.startsWith('rgba(' + rgb + ','))).length;
  })()`);
}

describe('Attention in the editor (workbench)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await startWorkbench();
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 10);
    await runCommand(page, 'Show Attention');
    await webviewFrame(page).locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('shows a tooltip with the attended tokens when hovering a token', async function () {
    const page = workbench.page;
    // Put the cursor away from the token first, so the selection does not matter.
    await page.keyboard.press('Escape');
    const word = editorWord(page, 'LruCache');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Attention Lens' });
    // A hover that opened before every provider answered (a busy machine) is not refreshed:
    // move away and hover again, as a user would.
    for (let attempt = 1; ; attempt++) {
      await word.hover();
      try {
        await hover.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
      }
    }
    const text = (await hover.textContent()) ?? '';
    assert.match(text, /token #\d+/);
    assert.match(text, /layer \d+ · head \d+/);
    assert.match(text, /\d\.\d{3}\s*\d+%/, 'each weight with its share of the strongest');
    assert.doesNotMatch(text, /[\u2580-\u259f]/, 'no block-character bars');
    assert.ok((await hover.locator('a').count()) >= 2, 'links to reveal tokens and open the panel');
    await screenshot(page, 'editor-hover');
    await page.mouse.move(5, 5);
  });

  it('opens the side-bar heatmap', async function () {
    const page = workbench.page;
    await runCommand(page, 'Focus on Heatmap View');
    const side = await viewFrame(page, 'side');
    try {
      await side.locator('body[data-painted-run]').waitFor({ state: 'attached', timeout: 30_000 });
    } finally {
      await screenshot(page, 'editor-side-view');
    }
    const canvas = side.locator('canvas.heatmap-canvas');
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 50, `the heatmap canvas is drawn at a visible size (${box?.width})`);
    // What is drawn: the bundled model is causal, so the cells above the diagonal (top right) are
    // weight 0, the bottom of the colour scale, and cells below it (bottom left) are not all 0.
    // (No named functions inside evaluate: the test transpiler would wrap them in a helper the page lacks.)
    const zero = Array.from(VIRIDIS.slice(0, 3));
    const [above, belowNonZero] = await canvas.evaluate((element, zeroColour) => {
      const c = element as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const samples = [0, 1, 2, 3, 4].flatMap((i) =>
        [0, 1, 2, 3, 4].map((j) => {
          const k = (Math.floor((0.03 + j * 0.04) * c.height) * c.width + Math.floor((0.75 + i * 0.04) * c.width)) * 4;
          return [data[k], data[k + 1], data[k + 2]];
        }),
      );
      // Every pixel well below the diagonal (the first key's column, a sink, is always among them).
      let nonZero = 0;
      for (let y = 0; y < c.height; y++) {
        for (let x = 0; x < (y * c.width) / c.height - 2; x++) {
          const k = (y * c.width + x) * 4;
          if (Math.abs(data[k] - zeroColour[0]) + Math.abs(data[k + 1] - zeroColour[1]) + Math.abs(data[k + 2] - zeroColour[2]) > 6) nonZero++;
        }
      }
      return [samples, nonZero] as const;
    }, zero);
    const isZero = (rgb: number[]) => rgb.every((v, k) => Math.abs(v - zero[k]) <= 2);
    const aboveZero = above.filter(isZero).length;
    assert.ok(aboveZero >= 20, `cells above the diagonal are weight 0 (${aboveZero} of 25 samples): ${JSON.stringify(above.slice(0, 5))}`);
    assert.ok(belowNonZero > 0, 'cells below the diagonal carry weight');
  });

  it('shades what the token under the cursor attends to, and focuses its row', async function () {
    const page = workbench.page;
    await editorWord(page, 'capacity').click();
    const side = await viewFrame(page, 'side');
    await side.locator('body[data-focused]:not([data-focused=""])').waitFor({ state: 'attached', timeout: 15_000 });
    const deadline = Date.now() + 15_000;
    let shaded = 0;
    while (Date.now() < deadline && (shaded = await shadedCount(page)) === 0) await page.waitForTimeout(200);
    assert.ok(shaded > 0, 'attended tokens are shaded in the editor');
    await screenshot(page, 'editor-shading');

    await runCommand(page, 'Toggle Attention Shading');
    await page.waitForTimeout(500);
    assert.equal(await shadedCount(page), 0, 'toggled off');
    await runCommand(page, 'Toggle Attention Shading');
  });
});
