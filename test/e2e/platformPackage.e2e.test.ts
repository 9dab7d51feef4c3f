// The platform-specific package (npm run package:native -- linux-x64) in the real workbench: it
// installs, `backend: auto` runs the model on onnxruntime-node, and the status bar and the panel
// say so. Linux x64 only (the machine must run the binary it carries). Packaging rebuilds dist/
// for production with the native runtime in it; the development build is restored afterwards.
// Screenshot: test/e2e/artifacts/platform-package-native.png.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/vscodeServer';
import { openFile, screenshot } from '../harness/workbench';
import { selectLines, showAttention, startWorkbench, type Workbench } from './steps';

const TARGET = 'linux-x64';
const platformVsix = join(repoRoot, `attention-lens-${TARGET}.vsix`);

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
});
