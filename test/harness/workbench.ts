// Drives the VS Code web workbench in Debian's Chromium through playwright-core.
// Generic helpers only: nothing here knows about the extension under test.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { repoRoot, testStateRoot, workbenchUrl } from './vscodeServer';

// playwright-core must never try to fetch its own browser; the system one is used.
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = join(repoRoot, 'test', 'e2e', 'artifacts');

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * The default arguments with the GPU process on and WebGPU served by SwiftShader, Chromium's
 * software adapter: WebGPU runs in pages and webviews on a machine without a GPU, slowly.
 */
export const SOFTWARE_WEBGPU_ARGS: readonly string[] = [
  ...CHROMIUM_ARGS.filter((arg) => arg !== '--disable-gpu'),
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh profile (`args` default to CHROMIUM_ARGS); `close()` also deletes the profile. */
export async function launchBrowser(options: { headless?: boolean; profileDir?: string; args?: readonly string[] } = {}): Promise<Browser> {
  const profileDir = options.profileDir ?? join(testStateRoot, `chromium-${process.pid}`);
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: [...(options.args ?? CHROMIUM_ARGS)],
    viewport: { width: 1400, height: 900 },
  });
  // If the process is interrupted before close(), the profile still goes.
  const removeProfile = () => rmSync(profileDir, { recursive: true, force: true });
  process.once('exit', removeProfile);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      process.off('exit', removeProfile);
      removeProfile();
    },
  };
}

/** Opens the workbench (optionally on `folder`) and waits until it has rendered. */
export async function openWorkbench(page: Page, url: string, folder?: string): Promise<void> {
  await page.goto(folder ? workbenchUrl(url, { folder }) : url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer shows the folder once the remote connection is up.
  if (folder) await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

async function pickFromQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.pressSequentially(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text.replace(/^>/, '') }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Runs a command by its palette title, e.g. "Show Attention". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  // F1 opens the palette with ">" already typed.
  await pickFromQuickInput(page, title);
}

/** Opens a workspace file through Quick Open and waits for its editor. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await pickFromQuickInput(page, name);
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** The content of the active webview: an outer host iframe, then the content iframe. */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Saves a PNG under test/e2e/artifacts/ for a person to look at; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  return path;
}
