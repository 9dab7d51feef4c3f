// The WebGPU engine in the real workbench: Chromium with SwiftShader's software WebGPU adapter,
// the backend set to webgpu. Show Attention runs the model inside the panel webview; then the
// backend is set to wasm and the same selection runs in the worker. Every head of every layer,
// as each run's JSON export gives it, must agree within 1e-4. Then, in Chromium with its GPU off (as the
// other e2e tests run it), the same setting falls back to WASM and says why.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ResultJson } from '../../src/shared/resultJson';
import { artifactsDir, openFile, runCommand, screenshot, SOFTWARE_WEBGPU_ARGS, webviewFrame } from '../harness/workbench';
import { exportThrough, selectLines, startWorkbench, type Workbench } from './steps';

const TOLERANCE = 1e-4;
/** A first WebGPU run sends the runtime (27 MB) to the panel and builds the session on a software adapter. */
const FIRST_RUN_TIMEOUT_MS = 240_000;

/**
 * Every head of every layer of the panel's current run, as the model computed it: the run's JSON
 * export (built by the host from the float32 tensors; 7 significant digits), flattened per head.
 * The matrices the panel draws are compact codes, so they are not what is compared.
 */
async function exportedHeads(page: Page, name: string): Promise<number[][]> {
  const path = join(mkdtempSync(join(tmpdir(), 'attention-lens-webgpu-')), `${name}.json`);
  const json = JSON.parse(await exportThrough(page, webviewFrame(page), 'json', path)) as ResultJson;
  return json.attention.flatMap((layer) => layer.map((head) => head.flat()));
}

async function summary(page: Page): Promise<string> {
  return (await webviewFrame(page).locator('#summary').textContent()) ?? '';
}

describe('The WebGPU engine in the workbench (SwiftShader)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.backend': 'webgpu' }, chromiumArgs: SOFTWARE_WEBGPU_ARGS });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('runs Show Attention on WebGPU in the panel, with the attention the WASM engine gives', async function () {
    this.timeout(FIRST_RUN_TIMEOUT_MS + 180_000);
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 4);
    const started = Date.now();
    await runCommand(page, 'Show Attention');
    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: FIRST_RUN_TIMEOUT_MS });
    const webGpuMs = Date.now() - started;
    const webGpuSummary = await summary(page);
    assert.match(webGpuSummary, / · webgpu( · |$)/, `the run reports the WebGPU backend: ${webGpuSummary}`);
    await screenshot(page, 'webgpu-show-attention');
    const onWebGpu = await exportedHeads(page, 'webgpu');

    // A second run reuses the panel's runtime and session: nothing to load.
    await selectLines(page, 4);
    const firstWebGpuRun = await view.locator('body').getAttribute('data-painted-run');
    const warmStarted = Date.now();
    await runCommand(page, 'Show Attention');
    await view.locator(`body:not([data-painted-run="${firstWebGpuRun}"])`).waitFor({ timeout: 60_000 });
    const warmMs = Date.now() - warmStarted;
    const warmSummary = await summary(page);
    assert.match(warmSummary, / · webgpu( · |$)/, `the second run is on WebGPU too: ${warmSummary}`);
    assert.doesNotMatch(warmSummary, /model load/, `the second run loads nothing: ${warmSummary}`);

    // The same selection on WASM: the setting takes effect on the next run.
    writeFileSync(join(workbench.server.dirs.userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'attentionLens.backend': 'wasm' }));
    const firstRun = Number(await view.locator('body').getAttribute('data-painted-run'));
    let wasmSummary = '';
    // A run started before the settings file was read again still runs on WebGPU: run again then.
    for (let attempt = 0; attempt < 5 && !/ · wasm/.test(wasmSummary); attempt++) {
      await selectLines(page, 4);
      const before = Number(await view.locator('body').getAttribute('data-painted-run'));
      await runCommand(page, 'Show Attention');
      await view.locator(`body:not([data-painted-run="${before}"])`).waitFor({ timeout: 60_000 });
      wasmSummary = await summary(page);
    }
    assert.match(wasmSummary, / · wasm/, `the second run reports WASM: ${wasmSummary}`);
    assert.notEqual(Number(await view.locator('body').getAttribute('data-painted-run')), firstRun);
    const onWasm = await exportedHeads(page, 'wasm');

    assert.equal(onWasm.length, onWebGpu.length);
    let maxDiff = 0;
    for (const [i, matrix] of onWebGpu.entries()) {
      assert.equal(matrix.length, onWasm[i].length, `matrix ${i} has the same size on both engines`);
      for (const [j, value] of matrix.entries()) maxDiff = Math.max(maxDiff, Math.abs(value - onWasm[i][j]));
    }
    mkdirSync(artifactsDir, { recursive: true });
    const report = { heads: onWebGpu.length, tokens: Math.sqrt(onWebGpu[0].length), maxDiff, webGpuMs, webGpuSummary, warmMs, warmSummary, wasmSummary };
    writeFileSync(join(artifactsDir, 'webgpu-vs-wasm.json'), JSON.stringify(report, null, 2));
    console.log(`      ${onWebGpu.length} heads, max |webgpu - wasm| = ${maxDiff.toExponential(2)}; ${webGpuSummary}`);
    assert.ok(maxDiff <= TOLERANCE, `max |webgpu - wasm| = ${maxDiff} exceeds ${TOLERANCE}`);
    await screenshot(page, 'webgpu-then-wasm');
  });
});

describe('The WebGPU engine in the workbench without a GPU', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await startWorkbench({ machineSettings: { 'attentionLens.backend': 'webgpu' } });
  });

  after(async function () {
    await workbench?.stop();
  });

  it('runs on WASM instead and tells the user why', async function () {
    this.timeout(FIRST_RUN_TIMEOUT_MS);
    const page = workbench.page;
    await openFile(page, 'sample.ts');
    await selectLines(page, 4);
    await runCommand(page, 'Show Attention');
    const view = webviewFrame(page);
    await view.locator('body[data-painted-run]').waitFor({ timeout: FIRST_RUN_TIMEOUT_MS });
    const ranOn = await summary(page);
    assert.match(ranOn, / · wasm/, `the run reports WASM: ${ranOn}`);
    await screenshot(page, 'webgpu-fallback');
    // The notification centre lists the message whether or not its toast is still up.
    await runCommand(page, 'Notifications: Show Notifications');
    const notice = page.locator('.notifications-center .notification-list-item-message', { hasText: 'WebGPU is unavailable' });
    await notice.first().waitFor();
    const reason = (await notice.first().textContent()) ?? '';
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'webgpu-fallback.json'), JSON.stringify({ summary: ranOn, notice: reason }, null, 2));
    console.log(`      ${reason}`);
    await screenshot(page, 'webgpu-fallback-notice');
  });
});
