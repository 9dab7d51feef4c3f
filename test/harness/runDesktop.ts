// npm run test:desktop — the same extension-host suite as test:integration, run in desktop
// VS Code through @vscode/test-electron. It downloads VS Code on first use, so it needs internet;
// machines without it use test:integration (VS Code server + Chromium) instead.
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './vscodeServer';

async function main(): Promise<void> {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    // Opens the fixture folder; other installed extensions would only add noise.
    launchArgs: [join(repoRoot, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--skip-welcome'],
  });
}

main().catch((error: unknown) => {
  // runTests rejects (TestRunFailedError) when the suite fails or VS Code cannot start.
  console.error(`[desktop] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
