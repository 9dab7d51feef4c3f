// The real workbench with a third-party model selected in the settings: Show Attention runs it
// and the panel draws its attention, with [CLS]/[SEP] shown as special tokens.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/vscodeServer';
import { openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { selectLines, startWorkbench, type Workbench } from './steps';

const fixture = join(repoRoot, '..', 'shared', 'fixtures', 'tribuo-tinybert');

describe('A user model in the workbench', function () {
  let workbench: Workbench | undefined;

  before(async function () {
    if (!existsSync(join(fixture, 'tinybert.onnx'))) {
      console.log(`      skipped: ${fixture} is absent (it sits beside the repository in CI)`);
      this.skip();
    }
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-e2e-model-'));
    copyFileSync(join(fixture, 'tinybert.onnx'), join(folder, 'model.onnx'));
    copyFileSync(join(fixture, 'tinybert-tokenizer.json'), join(folder, 'tokenizer.json'));
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.modelFolder': folder } });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('shows the third-party model attention', async function () {
    const page = workbench!.page;
    await openFile(page, 'sample.py');
    await selectLines(page, 3);
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
