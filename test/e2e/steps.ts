// Steps shared by the e2e tests: start the workbench, select lines in the editor, run Show Attention and wait
// for the panel, switch its views.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { installExtension, repoRoot, startServer, type RunningServer, type StartOptions } from '../harness/vscodeServer';
import { launchBrowser, openWorkbench, runCommand, webviewFrame, type Browser } from '../harness/workbench';

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
  options: Pick<StartOptions, 'machineSettings'> & { chromiumArgs?: readonly string[] } = {},
): Promise<Workbench> {
  assert.ok(existsSync(vsix), 'attention-lens.vsix exists (npm run package)');
  installExtension(vsix);
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
