// The first run in the real workbench (Chromium, packaged extension, a fresh profile): the Get
// Started walkthrough opens by itself and each step is checked off as the user does what it
// teaches; then, in a workbench whose display language is Traditional Chinese, the command titles
// come from package.nls.zh-tw.json. Screenshots go to test/e2e/artifacts/walkthrough-*.png and
// locale-zh-tw*.png.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVSIX } from '@vscode/vsce';
import type { Locator, Page } from 'playwright-core';
import { installExtension, repoRoot, serverDirs, startServer, testStateRoot, type RunningServer } from '../harness/vscodeServer';
import { artifactsDir, launchBrowser, openFile, openWorkbench, runCommand, screenshot, webviewFrame, type Browser } from '../harness/workbench';
import { openTab, viewFrame, vsix, workspace } from './steps';

// A machine-scoped setting: in this remote window the server machine's settings hold it.
const OPEN_ON_INSTALL = { 'workbench.welcomePage.walkthroughs.openOnInstall': true };

/** The walkthrough's step button (its id ends with `#<step>`). */
function step(page: Page, id: string): Locator {
  return page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
}

/** Waits until the step shows as done. */
async function checked(page: Page, id: string): Promise<void> {
  await step(page, id).and(page.locator('[aria-checked="true"]')).waitFor({ timeout: 30_000 });
}

/** Expands a step and clicks the button its description renders for a `[label](command:...)` link. */
async function clickStepButton(page: Page, id: string, label: string): Promise<void> {
  await step(page, id).click();
  await step(page, id).and(page.locator('[aria-expanded="true"]')).waitFor();
  await step(page, id).getByText(label, { exact: true }).click();
}

/** Saves a screenshot of one element (e.g. the panel) under test/e2e/artifacts/. */
async function elementShot(target: Locator, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await target.screenshot({ path });
  return path;
}

/**
 * Records an installed language pack in the server's `languagepacks.json` exactly as VS Code's
 * `LanguagePacksCache` (src/vs/platform/languagePacks/node/languagePacks.ts) does when the
 * Extensions view installs one: per language, the contributing extensions, the md5 of their ids
 * and versions (the key of the translation cache), the `vscode` translation file and the label.
 * The server's `--install-extension` command line skips that step, and installing through the
 * workbench's Install-from-VSIX file dialog raced on freshly installed machines; what this test
 * proves is what Attention Lens does in a zh-tw workbench, not VS Code's installer.
 */
function recordLanguagePack(userDataDir: string, extensionsDir: string, packDir: string): void {
  const manifest = JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8')) as {
    publisher: string; name: string; version: string;
    contributes: { localizations: { languageId: string; languageName: string; localizedLanguageName: string; translations: { id: string; path: string }[] }[] };
  };
  const id = `${manifest.publisher}.${manifest.name}`;
  const installed = join(extensionsDir, `${id}-${manifest.version}`);
  assert.ok(existsSync(installed), `${installed} (the language pack is installed)`);
  const packs: Record<string, unknown> = {};
  for (const localization of manifest.contributes.localizations) {
    const translations = Object.fromEntries(localization.translations.map((t) => [t.id, join(installed, t.path)]));
    packs[localization.languageId.toLowerCase()] = {
      hash: createHash('md5').update(id).update(manifest.version).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations,
      label: localization.localizedLanguageName || localization.languageName,
    };
  }
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}

async function start(stateDir: string, machineSettings: Record<string, unknown>): Promise<{ server: RunningServer; browser: Browser }> {
  assert.ok(existsSync(vsix), 'attention-lens.vsix exists (npm run package)');
  installExtension(vsix, stateDir);
  const server = await startServer({ stateDir, workspaceFolder: workspace, machineSettings });
  const browser = await launchBrowser({ profileDir: join(stateDir, 'chromium') });
  return { server, browser };
}

describe('First run: the walkthrough and a zh-tw workbench', function () {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  afterEach(async function () {
    await browser?.close();
    await server?.stop();
    browser = undefined;
    server = undefined;
  });

  it('opens the walkthrough once after install and checks off each step as the user does it', async function () {
    ({ server, browser } = await start(join(testStateRoot, 'walkthrough'), OPEN_ON_INSTALL));
    const page = browser.page;
    await openWorkbench(page, server.url.split('?')[0], workspace);

    // Opened by the extension on its first start: nobody asked for it.
    await step(page, 'openSample').waitFor({ timeout: 60_000 });
    await page.getByText('Get Started with Attention Lens').first().waitFor();
    for (const id of ['openSample', 'showAttention', 'readHead', 'findHeads', 'ownModel']) {
      assert.equal(await step(page, id).getAttribute('aria-checked'), 'false', `${id} starts unchecked`);
    }
    await screenshot(page, 'walkthrough-opened');

    // 1. Open the sample: it opens beside the walkthrough.
    await clickStepButton(page, 'openSample', 'Open Sample Code');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'class LruCache' }).first().waitFor();
    await checked(page, 'openSample');
    await screenshot(page, 'walkthrough-sample');

    // 2. Show Attention from the walkthrough's button: the model runs on the sample.
    await clickStepButton(page, 'showAttention', 'Show Attention on the Sample');
    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    await checked(page, 'showAttention');
    assert.ok((await view.locator('.chip').count()) > 50, 'the panel shows the tokens of the sample');
    assert.equal(await step(page, 'readHead').getAttribute('aria-checked'), 'false', 'a run alone does not check "read a head"');

    // 3. Read a head in the Matrix view: picking one checks the step.
    await openTab(view, 'matrix');
    await view.locator('#layer').selectOption('1');
    await checked(page, 'readHead');
    assert.equal(await step(page, 'findHeads').getAttribute('aria-checked'), 'false', 'any head does not check "find the heads"');

    // 4. Sort the Model view by previous-token score and click the first head.
    await openTab(view, 'model');
    await view.locator('body[data-thumbs-run]').waitFor({ timeout: 30_000 });
    await view.locator('#sort').selectOption('previous');
    await view.locator('.thumb-grid[data-sorted="previous"]').waitFor();
    await view.locator('.thumb-grid .thumb').first().click();
    await view.locator('.thumb[aria-pressed="true"]').waitFor();
    await checked(page, 'findHeads');
    await screenshot(page, 'walkthrough-progress');
    // The panel alone, with room for the thumbnails, for the walkthrough's own picture of this step.
    await runCommand(page, 'View: Toggle Maximize Editor Group');
    await page.waitForTimeout(500); // let the webview re-lay out its grid
    await elementShot(page.locator('iframe.webview.ready'), 'walkthrough-model-sorted');
    await runCommand(page, 'View: Toggle Maximize Editor Group');

    // 5. Select Model… from the walkthrough: the picker opens; closing it still counts (the command ran).
    await clickStepButton(page, 'ownModel', 'Select Model…');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Bundled model' }).waitFor();
    await screenshot(page, 'walkthrough-select-model');
    await page.keyboard.press('Escape');
    await checked(page, 'ownModel');

    for (const id of ['openSample', 'showAttention', 'readHead', 'findHeads', 'ownModel']) {
      assert.equal(await step(page, id).getAttribute('aria-checked'), 'true', `${id} is checked`);
    }
    await screenshot(page, 'walkthrough');

    // Once: close it and reload (same profile, same extension state): it does not open again.
    await page.locator('.tab', { hasText: 'Welcome' }).click({ button: 'middle' });
    await step(page, 'openSample').waitFor({ state: 'detached' });
    // Reload Window, as a user would: it waits for the workbench to store its state (a browser
    // reload does not, and the extension's "shown once" flag could be lost with it).
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    // The status bar item appears once the extension has activated, which is when it would open the walkthrough.
    await page.locator('.statusbar-item', { hasText: /Attention Lens|attention-lens/ }).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(3_000);
    if ((await step(page, 'openSample').count()) !== 0) await screenshot(page, 'walkthrough-after-reload');
    assert.equal(await step(page, 'openSample').count(), 0, 'the walkthrough did not open again');

    // The status bar item's tooltip says which model runs and how to change it.
    await page.locator('.statusbar-item', { hasText: 'Attention Lens' }).first().hover();
    const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'bundled model' }).first();
    await tooltip.waitFor({ timeout: 30_000 });
    assert.match((await tooltip.innerText()).replace(/\s+/g, ' '), /Model: the bundled model.*Change it with Select Model…/);
    await screenshot(page, 'status-bar-tooltip');
  });

  it('shows the command titles in Traditional Chinese when the display language is zh-tw', async function () {
    // A display language needs an installed extension that contributes it (see the fixture's README).
    const packDir = join(repoRoot, 'test', 'fixtures', 'language-pack-zh-tw');
    const packVsix = join(mkdtempSync(join(tmpdir(), 'attention-lens-zh-tw-')), 'language-pack-zh-tw.vsix');
    await createVSIX({ cwd: packDir, packagePath: packVsix, dependencies: false, allowMissingRepository: true, skipLicense: true });
    const stateDir = join(testStateRoot, 'locale-zh-tw');
    assert.ok(existsSync(vsix), 'attention-lens.vsix exists (npm run package)');
    installExtension(vsix, stateDir);
    installExtension(packVsix, stateDir, false);
    const dirs = serverDirs(stateDir, false);
    recordLanguagePack(dirs.userDataDir, dirs.extensionsDir, packDir);
    // What Configure Display Language writes: the server resolves the display language (and with
    // it every extension's package.nls.<language>.json) when it starts.
    mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(dirs.userDataDir, 'User', 'argv.json'), JSON.stringify({ locale: 'zh-tw' }) + '\n');
    browser = await launchBrowser({ profileDir: join(stateDir, 'chromium') });
    const page = browser.page;
    const input = page.locator('.quick-input-widget input');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    // The first start in a language generates the server's translation cache; a page served while
    // that is still being written gets English (seen once in a clean-clone run), so a start whose
    // palette is not translated is repeated once, with the cache then in place.
    for (let start = 1; ; start++) {
      await server?.stop();
      server = await startServer({ stateDir, fresh: false, workspaceFolder: workspace, extraArgs: ['--locale', 'zh-tw'] });
      await openWorkbench(page, server.url.split('?')[0], workspace);
      // The palette lists the commands known when it opens: wait for the extension, and reopen
      // it while the remote extensions are still being registered.
      await page.locator('.statusbar-item', { hasText: 'Attention Lens' }).first().waitFor({ timeout: 60_000 });
      let translated = false;
      for (let open = 0; open < 10 && !translated; open++) {
        await page.keyboard.press('F1');
        await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
        await input.pressSequentially('Attention Lens');
        translated = await rows.filter({ hasText: '顯示注意力' }).first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
        if (!translated) await page.keyboard.press('Escape');
      }
      if (translated) break;
      await screenshot(page, `locale-zh-tw-start-${start}`);
      if (start === 2) throw new Error('the palette is not in Traditional Chinese after two starts with --locale zh-tw');
      await page.keyboard.press('Escape');
    }
    // Each row: the title in the display language, then VS Code's English alias under it.
    const titles = (await rows.allInnerTexts()).map((row) => row.split('\n')[0]);
    for (const title of ['Attention Lens: 顯示注意力', 'Attention Lens: 選擇模型…', 'Attention Lens: 開啟範例程式碼', 'Attention Lens: 開啟面板']) {
      assert.ok(titles.includes(title), `"${title}" in ${JSON.stringify(titles)}`);
    }
    assert.deepEqual(titles.filter((t) => /Show Attention|Select Model|Open Panel/.test(t)), [], 'no title is left in English');
    await screenshot(page, 'locale-zh-tw');
    await page.keyboard.press('Escape');

    // The activity bar view is named from the same translations.
    await page.locator('.part.activitybar [aria-label^="注意力"]').first().click();
    await page.locator('.part.sidebar', { hasText: '熱圖' }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'locale-zh-tw-view');

    // The panel's own labels come from the same bundle (webview/l10n.ts): run the command on a file.
    await openFile(page, 'sample.ts');
    await runCommand(page, 'Show Attention');
    // The side view opened above is a webview too: find the panel's.
    const view = await viewFrame(page, 'panel');
    await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    assert.deepEqual(await view.locator('[role="tab"]').allTextContents(), ['詞元', '矩陣', '模型', '計算']);
    assert.equal((await view.locator('label[for="layer"]').textContent())?.trim(), '層');
    assert.equal(await view.locator('html').getAttribute('lang'), 'zh-tw');
    // The usage hint and the side view's legend are translated too.
    await view.locator('#status', { hasText: '將游標移到詞元上' }).waitFor({ timeout: 10_000 });
    const side = await viewFrame(page, 'side');
    await side.locator('.legend-label', { hasText: '權重' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'locale-zh-tw-panel');

    // The Math view's labels and explanations: a head number first (an aggregate gets a note).
    await view.locator('#head').selectOption('1');
    await openTab(view, 'math');
    await view.locator('body[data-math-run]').waitFor({ timeout: 30_000 });
    await view.locator('.math-table tbody tr').first().waitFor();
    const math = (await view.locator('#math').textContent()) ?? '';
    assert.match(math, /第 \d+ 層 · 第 1 個頭 · 查詢 #\d+/);
    assert.match(math, /以下每個數值都來自模型本身/);
    assert.deepEqual((await view.locator('.math-table th').allTextContents()).slice(0, 2), ['鍵', '詞元']);
    assert.match((await view.locator('#math-all').textContent()) ?? '', /^依序顯示全部 \d+ 個鍵$/);
    assert.equal(await view.locator('#math-query').getAttribute('aria-label'), '查詢詞元索引');
    assert.doesNotMatch(math, /Every number below|keys with the largest|recomputed here/, 'no Math view sentence is left in English');
    await screenshot(page, 'locale-zh-tw-math');
  });
});
