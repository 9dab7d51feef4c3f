// npm run test:integration — runs the extension-host mocha suite (out/test/integration/index.js)
// inside a real VS Code: the VS Code server plus its web workbench in headless Chromium.
// The workbench's smoke-test driver loads the extension from the working tree, calls the suite's
// run(), and reports its exit code through codeAutomationExit.
//
// ATTENTION_LENS_EXTENSION_PATH / ATTENTION_LENS_TESTS_PATH / ATTENTION_LENS_WORKSPACE override
// the defaults (the repo root, the built suite, test/fixtures/workspace).
import { appendFileSync, existsSync } from 'node:fs';
import { format } from 'node:util';
import { join, resolve } from 'node:path';
import { remoteUri, repoRoot, startServer, testStateRoot, workbenchUrl, type RunningServer } from './vscodeServer';
import { launchBrowser, type Browser } from './workbench';

const TIMEOUT_MS = 10 * 60_000;

export interface IntegrationOptions {
  extensionPath: string;
  testsPath: string;
  workspaceFolder: string;
}

export async function runIntegration(options: IntegrationOptions): Promise<number> {
  if (!existsSync(options.testsPath)) {
    throw new Error(`${options.testsPath} is missing: run \`npm run build\` first`);
  }
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    const started = Date.now();
    server = await startServer({ stateDir: join(process.env.ATTENTION_LENS_STATE_DIR ?? testStateRoot, 'integration') });
    browser = await launchBrowser();
    const { page } = browser;

    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolveExit, reject) => {
      reportExit = resolveExit;
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      setTimeout(() => reject(new Error(`no result after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref();
    });
    // Both must exist before the workbench loads: it looks them up on window.
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    const summary = { passing: 0 };
    await page.exposeFunction('codeAutomationLog', logPrinter(join(server.dirs.root, 'workbench.log'), summary));

    const url = workbenchUrl(server.url, {
      folder: options.workspaceFolder,
      payload: [
        ['extensionDevelopmentPath', remoteUri(options.extensionPath)],
        ['extensionTestsPath', remoteUri(options.testsPath)],
      ],
    });
    console.log(`[integration] VS Code server on port ${server.port}; running the suite`);
    await page.goto(url);
    let code = await exitCode;
    console.log(`[integration] exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // An extension host that dies can still end the run with 0: success also needs mocha's summary.
    if (code === 0 && summary.passing === 0) {
      console.error('[integration] the suite reported no passing tests: treating the run as failed');
      code = 1;
    }
    return code;
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

// Workbench start-up chatter, and errors expected offline; still kept in workbench.log.
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[AgentHost:/,
  /^\[AccountPolicyGate\]/,
  /^\[Service Worker\] registration/,
  /authentication provider 'github'/,
  /ENOTFOUND/,
  // Extension hosts being torn down after the suite exits.
  /^Canceled: Canceled/,
];

// The workbench's log service calls codeAutomationLog(level, args) with console-style arguments
// (a format string first); the extension host's console, so mocha's reporter, arrives here too.
function logPrinter(logFile: string, summary: { passing: number }): (level: string, message: unknown) => void {
  return (level, message) => {
    const args = Array.isArray(message) ? message : [message];
    const text = format(...args);
    // eslint-disable-next-line no-control-regex -- strips ANSI colour codes (ESC [ ... m)
    const passing = /(\d+) passing/.exec(text.replace(/\u001b\[[0-9;]*m/g, ''));
    if (passing) summary.passing = Number(passing[1]);
    appendFileSync(logFile, `[${level}] ${text}\n`);
    if (NOISE.some((pattern) => pattern.test(text))) return;
    if (level === 'error') console.error(text);
    else console.log(text);
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const code = await runIntegration({
    extensionPath: resolve(env.ATTENTION_LENS_EXTENSION_PATH ?? repoRoot),
    testsPath: resolve(env.ATTENTION_LENS_TESTS_PATH ?? join(repoRoot, 'out', 'test', 'integration', 'index.js')),
    workspaceFolder: resolve(env.ATTENTION_LENS_WORKSPACE ?? join(repoRoot, 'test', 'fixtures', 'workspace')),
  });
  process.exit(code);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[integration] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
