// The real workbench with a third-party model selected in the settings: Show Attention runs it
// and the panel draws its attention, with [CLS]/[SEP] shown as special tokens.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installExtension, repoRoot, startServer, type RunningServer } from '../harness/vscodeServer';
import { launchBrowser, openFile, openWorkbench, runCommand, screenshot, webviewFrame, type Browser } from '../harness/workbench';

const fixture = join(repoRoot, '..', 'shared', 'fixtures', 'tribuo-tinybert');
const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');

describe('A user model in the workbench', function () {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (!existsSync(join(fixture, 'tinybert.onnx'))) {
      console.log(`      skipped: ${fixture} is absent (it sits beside the repository in CI)`);
      this.skip();
    }
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-e2e-model-'));
    copyFileSync(join(fixture, 'tinybert.onnx'), join(folder, 'model.onnx'));
    copyFileSync(join(fixture, 'tinybert-tokenizer.json'), join(folder, 'tokenizer.json'));
    installExtension(join(repoRoot, 'attention-lens.vsix'));
    server = await startServer({ workspaceFolder: workspace, machineSettings: { 'attentionLens.modelFolder': folder } });
    browser = await launchBrowser();
    await openWorkbench(browser.page, server.url.split('?')[0], workspace);
  });

  after(async function () {
    await browser?.close();
    await server?.stop();
  });

  it('shows the third-party model attention', async function () {
    const page = browser!.page;
    await openFile(page, 'sample.py');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await runCommand(page, 'Show Attention');
    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: 60_000 });
    const specials = await view.locator('.chip.special').allTextContents();
    assert.deepEqual(specials, ['[CLS]', '[SEP]']);
    assert.match((await view.locator('#summary').textContent()) ?? '', /attention-lens-e2e-model-/, 'the panel names the user model');
    await view.locator('.chip:not(.special)').nth(3).hover();
    await view.locator('.chip.shaded').first().waitFor();
    await screenshot(page, 'own-model-tinybert');
  });
});
