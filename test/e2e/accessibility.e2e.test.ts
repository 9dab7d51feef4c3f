// Accessibility in the real workbench, in each of the four default themes (Light Modern, Dark
// Modern, Dark High Contrast, Light High Contrast): axe-core runs inside the webview frames of the
// panel (tokens, matrix, model and math views) and the side view, and on the editor hover, with no
// serious or critical violation allowed; the contrast of every shaded token's text is measured
// from computed styles; then a keyboard-only journey (open, switch views, move through tokens,
// pin, clear with Escape, zoom the matrix, export) runs without a single mouse event.
// Screenshots go to test/e2e/artifacts/a11y-*.png.
/// <reference lib="dom" />
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { AA_TEXT, composite, contrastRatio, parseColor, type Rgba } from '../../src/shared/contrast';
import { repoRoot } from '../harness/vscodeServer';
import { openFile, runCommand, screenshot } from '../harness/workbench';
import { openTab, selectLines, startWorkbench, viewFrame, type Workbench } from './steps';

const AXE_SOURCE = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Each default theme: its label in the theme picker and the class VS Code puts on a webview's body. */
const THEMES = [
  { label: 'Light Modern', body: 'body.vscode-light' },
  { label: 'Dark High Contrast', body: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)' },
  { label: 'Light High Contrast', body: 'body.vscode-high-contrast-light' },
  { label: 'Dark Modern', body: 'body.vscode-dark' },
] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** The Frame behind a frame locator (evaluate runs there, outside the page's CSP). */
async function frameOf(view: FrameLocator): Promise<Frame> {
  const body = await view.locator('body').elementHandle();
  const frame = await body?.ownerFrame();
  assert.ok(frame, 'the webview frame');
  return frame;
}

/** Runs axe-core in `target` (a webview frame, or the workbench page with a context selector). */
async function axe(target: Frame | Page, context = 'document'): Promise<Violation[]> {
  if (!(await target.evaluate('typeof window.axe !== "undefined"'))) await target.evaluate(AXE_SOURCE);
  const within = context === 'document' ? 'document' : `document.querySelector(${JSON.stringify(context)})`;
  return target.evaluate(`axe.run(${within}, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  })))`) as Promise<Violation[]>;
}

/** Serious or critical violations found so far in one test (asserted empty at its end). */
let serious: string[] = [];

/** Notes serious or critical violations; returns the milder ones, for the log. */
function assertNoSerious(violations: Violation[], where: string): Violation[] {
  const isSerious = (v: Violation) => v.impact === 'serious' || v.impact === 'critical';
  for (const v of violations.filter(isSerious)) serious.push(`${where}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
  return violations.filter((v) => !isSerious(v));
}

/** Picks a colour theme through the palette (keyboard only), and waits until `frames` show it. */
async function setTheme(page: Page, theme: (typeof THEMES)[number], frames: FrameLocator[]): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.pressSequentially('Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).first().waitFor();
  // Other commands match too ("Browse Color Themes in Marketplace"): step to the exact one.
  const focused = page.locator('.quick-input-list .monaco-list-row.focused');
  for (let i = 0; i < 8 && !/^Preferences: Color Theme(?!s)/.test(((await focused.textContent()) ?? '').trim()); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  // The theme list replaces the commands (its filter starts empty, the palette's with ">").
  await page.waitForFunction(() => ((document as any).querySelector('.quick-input-widget input')?.value ?? '>') === '');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await input.pressSequentially(theme.label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme.label }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  for (const frame of frames) await frame.locator(theme.body).waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500); // shading is recomputed on the next frame after the change
}

/** Contrast of each shaded token's text on its background, from computed styles. */
async function shadedContrast(view: FrameLocator): Promise<{ text: string; step: string; ratio: number }[]> {
  const frame = await frameOf(view);
  const styles = (await frame.evaluate(`(() => {
    const page = getComputedStyle(document.body).backgroundColor;
    return Array.from(document.querySelectorAll('.chip.shaded')).map((chip) => {
      const s = getComputedStyle(chip);
      return { text: chip.textContent, step: chip.dataset.step || '', color: s.color, background: s.backgroundColor, page };
    });
  })()`)) as { text: string; step: string; color: string; background: string; page: string }[];
  return styles.map((s) => {
    const page = parseColor(s.page)!;
    const background = composite(parseColor(s.background)!, { ...page, a: 1 });
    const color: Rgba = composite(parseColor(s.color)!, background);
    return { text: s.text, step: s.step, ratio: contrastRatio(color, background) };
  });
}

/** Contrast of every badge's text (a badge without a background sits on the page's). */
async function badgeContrast(view: FrameLocator): Promise<{ text: string; ratio: number }[]> {
  const frame = await frameOf(view);
  const styles = (await frame.evaluate(`(() => {
    const page = getComputedStyle(document.body).backgroundColor;
    return Array.from(document.querySelectorAll('.badge')).map((b) => {
      const s = getComputedStyle(b);
      return { text: b.textContent, color: s.color, background: s.backgroundColor, page };
    });
  })()`)) as { text: string; color: string; background: string; page: string }[];
  return styles.map((s) => {
    const background = composite(parseColor(s.background)!, { ...parseColor(s.page)!, a: 1 });
    return { text: s.text, ratio: contrastRatio(composite(parseColor(s.color)!, background), background) };
  });
}

/** Presses `key` until the focused element of `frame` matches `selector`. */
async function focusBy(page: Page, frame: Frame, key: string, selector: string, most = 40): Promise<void> {
  const matches = () => frame.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`);
  for (let i = 0; i < most && !(await matches()); i++) await page.keyboard.press(key);
  assert.ok(await matches(), `${key} reaches ${selector}; focused: ${await frame.evaluate('document.activeElement && document.activeElement.outerHTML.slice(0, 120)')}`);
}

const MOUSE_EVENTS = ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'wheel', 'dblclick', 'contextmenu'];

/** Counts real pointer actions (presses, wheel) from now on in `target`. */
async function countMouse(target: Frame | Page): Promise<void> {
  await target.evaluate(`(() => {
    window.__mouseEvents = [];
    for (const type of ${JSON.stringify(MOUSE_EVENTS)}) window.addEventListener(type, (e) => window.__mouseEvents.push(type), true);
  })()`);
}

async function mouseEvents(target: Frame | Page): Promise<string[]> {
  return (await target.evaluate('window.__mouseEvents || []')) as string[];
}

describe('Accessibility in the workbench (four themes, keyboard only)', function () {
  let workbench: Workbench;
  let panel: FrameLocator;
  let side: FrameLocator;
  const mild: Record<string, string[]> = {};

  before(async function () {
    workbench = await startWorkbench();
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await runCommand(page, 'Focus on Heatmap View');
    await selectLines(page, 30);
    await runCommand(page, 'Show Attention');
    panel = await viewFrame(page, 'panel');
    await panel.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    side = await viewFrame(page, 'side');
    await side.locator('body[data-painted-run]').waitFor({ state: 'attached', timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(workbench.page, `a11y-failed-${this.currentTest.title.slice(0, 30)}`);
  });

  after(async function () {
    if (Object.keys(mild).length > 0) console.log('  minor/moderate axe findings:', JSON.stringify(mild, null, 1));
    await workbench?.stop();
  });

  for (const theme of THEMES) {
    it(`${theme.label}: no serious axe violations in the panel, side view and hover; shaded text ≥ 4.5:1`, async function () {
      const page = workbench.page;
      serious = [];
      await setTheme(page, theme, [panel, side]);
      const slug = theme.label.toLowerCase().replace(/\s+/g, '-');

      // Tokens, shaded by a pinned token whose strongest keys take the top step.
      await openTab(panel, 'tokens');
      const chips = panel.locator('.chip');
      // A different token per theme: clicking the pinned one again would unpin it.
      await chips.nth(Math.floor((await chips.count()) * 0.6) + THEMES.indexOf(theme)).click();
      await page.mouse.move(2, 2); // off the panel: the pinned token's shading stays
      await panel.locator('.chip.shaded[data-step="5"]').first().waitFor();
      const contrast = await shadedContrast(panel);
      assert.ok(contrast.length >= 3, `${contrast.length} shaded tokens`);
      const worst = contrast.reduce((a, b) => (b.ratio < a.ratio ? b : a));
      console.log(`  ${theme.label}: ${contrast.length} shaded tokens, lowest contrast ${worst.ratio.toFixed(2)}:1 (step ${worst.step}, ${JSON.stringify(worst.text)})`);
      for (const c of contrast) assert.ok(c.ratio >= AA_TEXT, `${JSON.stringify(c.text)} (step ${c.step}) at ${c.ratio.toFixed(2)}:1`);
      const frame = await frameOf(panel);
      mild[`${slug} tokens`] = assertNoSerious(await axe(frame), `${theme.label} tokens`).map((v) => v.id);
      await screenshot(page, `a11y-${slug}-tokens`);

      await openTab(panel, 'matrix');
      mild[`${slug} matrix`] = assertNoSerious(await axe(frame), `${theme.label} matrix`).map((v) => v.id);
      if (theme.label.includes('High Contrast') || theme.label === 'Dark Modern') {
        const box = (await panel.locator('canvas.heatmap-canvas').boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7);
        await screenshot(page, `a11y-${slug}-matrix`);
        await page.mouse.move(2, 2);
      }

      await openTab(panel, 'model');
      await panel.locator('body[data-thumbs-run]').waitFor({ timeout: 30_000 });
      const badges = await badgeContrast(panel);
      assert.ok(badges.length > 0, 'badges drawn');
      for (const b of badges) assert.ok(b.ratio >= AA_TEXT, `badge ${JSON.stringify(b.text)} at ${b.ratio.toFixed(2)}:1`);
      assert.equal(await panel.getByRole('button', { name: /^Layer \d+, head \d+(, rank \d+)?: previous-token \d\.\d\d, bracket match / }).count(), 16, 'thumbnails are named with their scores');
      mild[`${slug} model`] = assertNoSerious(await axe(frame), `${theme.label} model`).map((v) => v.id);

      await openTab(panel, 'math');
      await panel.locator('body[data-math-run]').waitFor({ timeout: 30_000 });
      mild[`${slug} math`] = assertNoSerious(await axe(frame), `${theme.label} math`).map((v) => v.id);
      await openTab(panel, 'tokens');

      // The side view: its canvas is focusable and labelled.
      const sideCanvas = side.locator('canvas.heatmap-canvas');
      assert.equal(await sideCanvas.getAttribute('tabindex'), '0');
      assert.ok(((await sideCanvas.getAttribute('aria-label')) ?? '').length > 10);
      mild[`${slug} side`] = assertNoSerious(await axe(await frameOf(side)), `${theme.label} side view`).map((v) => v.id);

      // The editor hover.
      await page.keyboard.press('Escape');
      const word = page.locator('.editor-instance .monaco-editor .view-lines span span', { hasText: /^\s*LruCache$/ }).first();
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Attention Lens' });
      for (let attempt = 1; ; attempt++) {
        await word.hover();
        try {
          await hover.waitFor({ timeout: 10_000 });
          break;
        } catch (error) {
          if (attempt === 3) throw error;
          await page.mouse.move(5, 5);
        }
      }
      const text = (await hover.textContent()) ?? '';
      assert.doesNotMatch(text, /[\u2580-\u259f]/, 'no block-character bars in the hover');
      // The hover fades in: axe measured a link mid-fade (#21a6ff at two-thirds opacity, 3.74:1),
      // so wait until the hover and every element around it is drawn at full opacity.
      await page.waitForFunction(`(() => {
        for (let e = document.querySelector('.monaco-hover:not(.hidden)'); e; e = e.parentElement) {
          if (Number(getComputedStyle(e).opacity) < 1) return false;
          if (e.getAnimations().some((a) => a.playState === 'running')) return false;
        }
        return true;
      })()`, undefined, { timeout: 10_000 });
      // Only this extension's part of the hover (the language's own hover shares the widget).
      await page.evaluate(`(() => {
        const parts = Array.from(document.querySelectorAll('.monaco-hover:not(.hidden) .hover-row, .monaco-hover:not(.hidden) .hover-contents'))
          .filter((e) => e.textContent.includes('Attention Lens'))
          .sort((a, b) => a.textContent.length - b.textContent.length);
        document.querySelectorAll('[data-axe-target]').forEach((e) => e.removeAttribute('data-axe-target'));
        parts[0].setAttribute('data-axe-target', '');
      })()`);
      mild[`${slug} hover`] = assertNoSerious(await axe(page, '[data-axe-target]'), `${theme.label} hover`).map((v) => v.id);
      if (theme.label !== 'Light Modern') await screenshot(page, `a11y-${slug}-hover`);
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      assert.deepEqual(serious, [], serious.join('\n'));
    });
  }

  it('keyboard only: open, switch views, move through tokens, pin, clear with Escape, zoom the matrix, export', async function () {
    const page = workbench.page;
    // In the last theme of the loop above (Dark Modern).
    await countMouse(page);
    const frame = await frameOf(panel);
    await countMouse(frame);

    // Open: select from the editor and run the command from the palette.
    await runCommand(page, 'View: Focus First Editor Group');
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 30; i++) await page.keyboard.press('Shift+ArrowDown');
    const before = await panel.locator('body').getAttribute('data-painted-run');
    await runCommand(page, 'Show Attention');
    await panel.locator(`body[data-painted-run]:not([data-painted-run="${before}"])`).waitFor({ timeout: 60_000 });

    // Into the panel, onto the tabs; switch views with the arrow keys.
    await runCommand(page, 'View: Focus Right Editor Group');
    await focusBy(page, frame, 'Tab', '[role="tab"]');
    await page.keyboard.press('Home');
    await panel.locator('body[data-tab="tokens"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await panel.locator('body[data-tab="matrix"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await panel.locator('body[data-tab="model"]').waitFor();
    await page.keyboard.press('Home');
    await panel.locator('body[data-tab="tokens"]').waitFor();

    // Tokens: the listbox takes the focus; arrows move (and pin) the active token.
    await focusBy(page, frame, 'Tab', '.token-view');
    const view = panel.locator('.token-view');
    await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 24; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const active = await view.getAttribute('aria-activedescendant');
    assert.ok(active, 'the active token is the listbox active descendant');
    const chip = panel.locator(`#${active}`);
    assert.equal(await chip.getAttribute('aria-selected'), 'true', 'the active token is pinned (selected)');
    assert.equal(await chip.getAttribute('role'), 'option');
    assert.match((await chip.getAttribute('aria-label')) ?? '', /, line \d+, weight \d\.\d{4}$/, 'named by text, line and weight');
    assert.ok(Number((await chip.getAttribute('id'))!.slice('token-'.length)) > 40, 'Down moved by lines');
    // Scrolled into view, below the sticky header.
    const inView = (await frame.evaluate(`(() => {
      const chip = document.getElementById(${JSON.stringify(active)}).getBoundingClientRect();
      const list = document.querySelector('.token-view').getBoundingClientRect();
      const header = document.querySelector('header');
      const sticky = getComputedStyle(header).position === 'sticky' ? header.getBoundingClientRect().bottom : 0;
      return chip.top >= Math.max(sticky, list.top) - 1 && chip.bottom <= Math.min(innerHeight, list.bottom) + 1;
    })()`)) as boolean;
    assert.ok(inView, 'the active token is scrolled into view, clear of the header');
    assert.match((await panel.locator('#pin-state').textContent()) ?? '', /^Pinned #\d+/);
    assert.ok((await panel.locator('.chip.shaded').count()) > 0, 'shaded by the pinned token');
    await screenshot(page, 'a11y-keyboard-tokens');
    // Up goes back a line; Shift extends a span.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal(await panel.locator('.chip.pinned').count(), 3, 'a span of three');
    // Escape: the pin, then the span.
    await page.keyboard.press('Escape');
    await panel.locator('#pin-state', { hasText: 'Span pinned' }).waitFor();
    await page.keyboard.press('Escape');
    await panel.locator('#pin-state', { hasText: 'Nothing pinned' }).waitFor();
    assert.equal(await panel.locator('.chip.pinned').count(), 0);

    // Matrix: back to the tabs, over to the matrix, onto the canvas.
    await focusBy(page, frame, 'Shift+Tab', '[role="tab"]');
    await page.keyboard.press('ArrowRight');
    await panel.locator('body[data-tab="matrix"]').waitFor();
    await focusBy(page, frame, 'Tab', 'canvas.heatmap-canvas');
    assert.equal(await panel.locator('canvas.heatmap-canvas').getAttribute('role'), 'application');
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
    await panel.locator('#readout', { hasText: 'query #40' }).waitFor();
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    await panel.locator('.heatmap[data-zoomed="true"][data-cursor-visible="true"]').waitFor();
    await page.keyboard.press('Enter');
    await panel.locator('.heatmap[data-pinned="40"]').waitFor();
    assert.match((await panel.locator('#matrix-pin').textContent()) ?? '', /Pinned row #40/);
    await screenshot(page, 'a11y-keyboard-matrix');
    await page.keyboard.press('Escape');
    await panel.locator('.heatmap[data-pinned=""]').waitFor();
    await page.keyboard.press('Escape');
    await panel.locator('.heatmap[data-zoomed="false"]').waitFor();

    // Export: Tab to the SVG button, Enter, answer the save dialog from the keyboard.
    await focusBy(page, frame, 'Tab', '#export-svg');
    await page.keyboard.press('Enter');
    const path = join(mkdtempSync(join(tmpdir(), 'attention-lens-a11y-')), 'matrix.svg');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    const value = () => page.evaluate(() => ((document as any).querySelector('.quick-input-widget input')?.value as string | undefined) ?? '');
    await page.waitForFunction(() => ((document as any).querySelector('.quick-input-widget input')?.value ?? '') !== '');
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(path);
      await page.waitForTimeout(500);
      if ((await value()) === path) break;
      if (attempt === 10) throw new Error(`the save dialog kept replacing the path: ${await value()}`);
    }
    await page.keyboard.press('Enter');
    for (let waited = 0; !existsSync(path); waited += 100) {
      if (waited > 30_000) {
        await screenshot(page, 'a11y-keyboard-export-failed');
        throw new Error(`${path} was not written`);
      }
      // An Enter that lands while the dialog is still listing the typed folder is ignored by it:
      // still open with our path after 3 s, it gets Enter again (the keyboard, as a user would).
      if (waited > 0 && waited % 3_000 === 0 && (await value()) === path) await page.keyboard.press('Enter');
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(200);
    assert.match(readFileSync(path, 'utf8'), /<svg[\s>]/);

    assert.deepEqual(await mouseEvents(page), [], 'no mouse event in the workbench');
    assert.deepEqual(await mouseEvents(frame), [], 'no mouse event in the panel');
  });
});
