// The platform-specific package (npm run package:native -- linux-x64) in the real workbench: it
// installs, `backend: auto` runs the model on onnxruntime-node, and the status bar and the panel
// say so; and a long run on it: a model whose attention at its context reaches 1 GiB runs layer
// by layer, its 2,100-token run stays on disk, and the panel's views draw it. Linux x64 only (the
// machine must run the binary it carries). Packaging rebuilds dist/ for production with the native
// runtime in it; the development build is restored afterwards.
// Screenshots: test/e2e/artifacts/platform-package-native.png, long-run-*.png.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/vscodeServer';
import { openFile, screenshot } from '../harness/workbench';
import { openTab, selectLines, showAttention, startWorkbench, workspace, type Workbench } from './steps';

const TARGET = 'linux-x64';
const platformVsix = join(repoRoot, `attention-lens-${TARGET}.vsix`);
/** A long source file copied into the sample workspace for the long run, and removed after. */
const longFile = join(workspace, 'long.ts');
/** 2 layers x 8 heads, 4096 positions (make_long_context.py). */
const longContextModel = join(repoRoot, 'test', 'fixtures', 'models', 'long-context');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} exited with ${result.status}`);
}

describe('The linux-x64 package in the workbench', function () {
  let workbench: Workbench | undefined;

  before(async function () {
    if (`${process.platform}-${process.arch}` !== TARGET) {
      console.log(`      skipped: this machine is ${process.platform}-${process.arch}, the package is for ${TARGET}`);
      return this.skip();
    }
    this.timeout(600_000);
    try {
      run('node', ['scripts/packageTarget.mjs', TARGET]);
    } finally {
      // Back to the development build (esbuild.mjs empties dist/ first, dist/native with it).
      run('node', ['esbuild.mjs']);
    }
    assert.ok(existsSync(platformVsix), `${platformVsix} was written`);
    workbench = await startWorkbench({ vsixPath: platformVsix });
  });

  after(async function () {
    await workbench?.stop();
    rmSync(platformVsix, { force: true });
    rmSync(longFile, { force: true });
  });

  it('installs, runs the model on the native runtime by default, and says so', async function () {
    const page = workbench!.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 28);
    const view = await showAttention(page);
    const summary = (await view.locator('#summary').textContent()) ?? '';
    assert.match(summary, / · native( \(\d+ threads\))?$/, `the panel names the native backend: ${summary}`);
    const status = page.locator('.statusbar-item', { hasText: 'attention-lens-code-4x4' }).first();
    await status.waitFor({ timeout: 30_000 });
    assert.match((await status.textContent()) ?? '', /native/, 'the status bar names the native backend');
    await screenshot(page, 'platform-package-native');
  });

  it('runs a long input layer by layer, kept on disk: the tokens, matrix, Model and Math views draw it', async function () {
    this.timeout(300_000);
    await workbench?.stop();
    copyFileSync(join(repoRoot, 'src', 'inference', 'inferenceClient.ts'), longFile);
    workbench = await startWorkbench({ vsixPath: platformVsix, machineSettings: { 'attentionLens.modelFolder': longContextModel, 'attentionLens.maxTokens': 2100 } });
    const page = workbench.page;
    await openFile(page, 'long.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    const view = await showAttention(page);
    const summary = (await view.locator('#summary').textContent()) ?? '';
    assert.match(summary, /long-context-random/, `the panel names the model: ${summary}`);
    assert.match(summary, / · native( \(\d+ threads\))?$/, `on the native runtime: ${summary}`);
    assert.equal(await view.locator('.chip').count(), 2100, 'all 2,100 tokens drawn');
    await screenshot(page, 'long-run-tokens');
    await openTab(view, 'matrix');
    assert.ok((await view.locator('canvas.heatmap-canvas').boundingBox())!.width > 200, 'the 2100 x 2100 matrix is drawn');
    await screenshot(page, 'long-run-matrix');
    await openTab(view, 'model');
    await view.locator('body[data-thumbs-run]').waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('.thumb').count(), 16, '2 layers x 8 heads');
    await screenshot(page, 'long-run-model');
    await openTab(view, 'math');
    await view.locator('body[data-math-run]').waitFor({ timeout: 60_000 });
    await view.locator('.math-table tbody tr').first().waitFor();
    assert.equal(await view.locator('.check.ok').count(), 2, "the model's own q/k/v, read from the run's files, reproduce its weights and output");
    await screenshot(page, 'long-run-math');
  });
});
