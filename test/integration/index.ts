// The entry VS Code's extension host calls to run the integration suite; both launchers
// (runIntegration: VS Code server + Chromium, runDesktop: @vscode/test-electron) point here.
// This file is bundled, and a bundler evaluates static imports before any code of the importer,
// so test files cannot be imported here directly: their `describe` calls would run before mocha
// defines the globals. They are listed in ./suites, which is loaded only once the globals exist.
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // ATTENTION_LENS_GREP runs only the tests whose title matches (the server passes the launcher's
  // environment on to the extension host).
  const grep = process.env.ATTENTION_LENS_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000, ...(grep ? { grep } : {}) });
  mocha.suite.emit('pre-require', globalThis, '', mocha);
  // A synchronous require keeps the bundler from hoisting it above the line before.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./suites');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
