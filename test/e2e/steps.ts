// Steps shared by the e2e tests: start the workbench, select lines in the editor, run Show Attention and wait
// for the panel, switch its views.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { installExtension, repoRoot, startServer, type RunningServer, type StartOptions } from '../harness/vscodeServer';
import { launchBrowser, openWorkbench, runCommand, screenshot, webviewFrame, type Browser } from '../harness/workbench';

export const vsix = join(repoRoot, 'attention-lens.vsix');
export const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');

export interface Workbench {
  server: RunningServer;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

/** Installs the packaged extension, starts a server on the sample workspace and opens it in Chromium. */
export async function startWorkbench(
  options: Pick<StartOptions, 'machineSettings'> & { chromiumArgs?: readonly string[]; vsixPath?: string } = {},
): Promise<Workbench> {
  const packaged = options.vsixPath ?? vsix;
  assert.ok(existsSync(packaged), `${packaged} exists (npm run package)`);
  installExtension(packaged);
  const server = await startServer({ workspaceFolder: workspace, machineSettings: options.machineSettings });
  const browser = await launchBrowser({ args: options.chromiumArgs });
  await openWorkbench(browser.page, server.url.split('?')[0], workspace);
  return {
    server,
    browser,
    page: browser.page,
    stop: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

export async function selectLines(page: Page, lines: number): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < lines; i++) await page.keyboard.press('Shift+ArrowDown');
}

/** Runs Show Attention on the selection; resolves with the panel once it has painted. */
export async function showAttention(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Show Attention');
  const view = webviewFrame(page);
  await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
  return view;
}

/** Clicks one of the panel's view tabs and waits until it is shown. */
export async function openTab(view: FrameLocator, tab: 'tokens' | 'matrix' | 'model' | 'math'): Promise<void> {
  await view.locator(`[role="tab"][data-tab="${tab}"]`).click();
  await view.locator(`body[data-tab="${tab}"]`).waitFor();
}

/** The webview whose body has data-view=`view` (the panel and the side view are both iframes). */
export async function viewFrame(page: Page, view: 'side' | 'panel'): Promise<FrameLocator> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const frame = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('iframe#active-frame');
      if ((await frame.locator(`body[data-view="${view}"]`).count()) > 0) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no ${view} webview`);
}

/** Clicks an export button, answers VS Code's save dialog with `path` and reads the file written. */
export async function exportThrough(page: Page, view: FrameLocator, format: 'svg' | 'png' | 'json', path: string, encoding: 'utf8' | 'binary' = 'utf8'): Promise<string> {
  await view.locator(`#export-${format}`).click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // The dialog fills in its suggestion asynchronously: replace it once it is there.
  // The dialog fills in its suggestion asynchronously, sometimes more than once: type the path
  // until it stays put, then accept.
  const value = () => page.evaluate(() => ((document as any).querySelector('.quick-input-widget input')?.value as string | undefined) ?? '');
  await page.waitForFunction(() => ((document as any).querySelector('.quick-input-widget input')?.value ?? '') !== '');
  for (let attempt = 0; ; attempt++) {
    await input.fill(path);
    await new Promise((r) => setTimeout(r, 500));
    if ((await value()) === path) break;
    if (attempt === 10) throw new Error(`the save dialog kept replacing the path: ${await value()}`);
  }
  await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
  for (let waited = 0; !existsSync(path); waited += 100) {
    if (waited > 30_000) {
      await screenshot(page, `export-${format}-failed`);
      throw new Error(`${path} was not written`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200)); // let the write finish
  return readFileSync(path, encoding === 'binary' ? 'latin1' : 'utf8');
}
