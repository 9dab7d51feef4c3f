// The command-line tool, run from the installed VSIX, writes JSON and a standalone HTML report; the report opens offline in
// headless Chromium, shows the same tokens and weights as the JSON, and responds to hover.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResultJson } from '../../src/shared/resultJson';
import { installExtension, repoRoot, serverDirs } from '../harness/vscodeServer';
import { vsix } from './steps';
import { launchBrowser, screenshot, type Browser } from '../harness/workbench';

describe('attention-lens command line and HTML report', function () {
  const out = mkdtempSync(join(tmpdir(), 'attention-lens-cli-'));
  const jsonPath = join(out, 'result.json');
  const htmlPath = join(out, 'report.html');
  let result: ResultJson;
  let browser: Browser | undefined;

  before(function () {
    // The tool as shipped: run from the extension folder the VSIX installs, so a file missing
    // from the package fails here.
    installExtension(vsix);
    const installed = readdirSync(serverDirs(undefined, false).extensionsDir).find((name) => name.startsWith('attention-lens.attention-lens-'));
    assert.ok(installed, 'the VSIX installed');
    const run = spawnSync(
      process.execPath,
      [join(serverDirs(undefined, false).extensionsDir, installed, 'dist', 'cli.js'), join(repoRoot, 'test', 'fixtures', 'workspace', 'sample.ts'), '--range', '2:1-12:1', '--json', jsonPath, '--html', htmlPath],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    result = JSON.parse(readFileSync(jsonPath, 'utf8')) as ResultJson;
  });

  after(async () => {
    await browser?.close();
  });

  it('writes the tokens of the range with their file positions', () => {
    const source = readFileSync(join(repoRoot, 'test', 'fixtures', 'workspace', 'sample.ts'), 'utf8');
    const lines = source.split('\n');
    assert.equal(result.source.text, lines.slice(1, 11).join('\n') + '\n');
    assert.equal(result.tokens[0].line, 1);
    for (const token of result.tokens) {
      assert.equal(result.source.text.slice(token.start, token.end), token.text);
      assert.equal(lines[token.line].slice(token.character, token.character + token.text.split('\n')[0].length), token.text.split('\n')[0]);
    }
    assert.equal(result.attention.length, result.model.layers);
    for (const head of result.attention[0]) for (const row of head) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  it('opens offline and shows the same result', async () => {
    browser = await launchBrowser();
    const page = browser.page;
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(htmlPath).href);
    await page.locator('body[data-painted-run]').waitFor({ timeout: 30_000 });
    const chips = await page.locator('.chip').allTextContents();
    assert.deepEqual(chips, result.tokens.map((t) => t.text.replace(/\n/g, '\u21b5')), 'the chips are the tokens, line breaks drawn as ↵');
    await page.locator('#head').selectOption('1');
    await page.locator('body[data-paints="2"]').waitFor();
    const query = 40;
    await page.locator('.chip').nth(query).hover();
    // The shading carries the exact weights of the focused head (not the compact drawing codes):
    // compare with the JSON.
    await page.locator('#token-details[data-exact="true"]').waitFor();
    const weights = await page.locator('.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-weight')));
    const expected = result.attention[0][1][query];
    weights.forEach((w, k) => assert.ok(w !== null && Math.abs(Number(w) - expected[k]) <= 5e-5 + 5e-8, `key ${k}: ${w} vs ${expected[k]}`));
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), [], 'no network requests');
    await screenshot(page, 'html-report');
  });
});
