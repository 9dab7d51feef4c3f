// The real workbench with a model folder of the user's selected in the settings: Show Attention runs
// it and the panel draws its attention. A third-party BERT shows [CLS]/[SEP] as special tokens; a
// decoder with a KV cache and fused GroupQueryAttention (one of the project's export fixtures)
// shows its layers × heads and what the loader found in it.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../harness/vscodeServer';
import { openFile, runCommand, screenshot, webviewFrame } from '../harness/workbench';
import { openTab, selectLines, showAttention, startWorkbench, type Workbench } from './steps';

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

describe('A KV-cache decoder with fused GroupQueryAttention in the workbench', function () {
  let workbench: Workbench | undefined;

  before(async function () {
    // make_fixtures.py: 1 layer, 4 query heads sharing 2 key/value heads, rotary, a KV cache input.
    const models = join(repoRoot, 'test', 'fixtures', 'models');
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-e2e-gqa-'));
    copyFileSync(join(models, 'group-query-attention.onnx'), join(folder, 'model.onnx'));
    copyFileSync(join(models, 'tokenizer.json'), join(folder, 'tokenizer.json'));
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.modelFolder': folder } });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('shows its layers × heads and what was found in the model', async function () {
    const page = workbench!.page;
    await openFile(page, 'sample.py');
    await selectLines(page, 3);
    const view = await showAttention(page);
    assert.deepEqual(await view.locator('#layer option').allTextContents(), ['0'], 'one layer');
    const heads = (await view.locator('#head option').allTextContents()).filter((text) => /^\d+$/.test(text));
    assert.deepEqual(heads, ['0', '1', '2', '3'], 'four query heads');
    const summary = (await view.locator('#summary').textContent()) ?? '';
    assert.match(summary, /attention-lens-e2e-gqa-\w+ \(decoder with KV cache \(fed empty\), 4 query heads sharing 2 key\/value heads \(GQA\), fused GroupQueryAttention rewritten\)/);
    await openTab(view, 'matrix');
    assert.ok((await view.locator('canvas.heatmap-canvas').boundingBox())!.width > 100, 'the heatmap is drawn at a visible size');
    await screenshot(page, 'own-model-group-query-attention');
  });
});
