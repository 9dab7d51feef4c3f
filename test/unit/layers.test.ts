/**
 * The layer rules of eslint.config.mjs, checked against imports that must fail and imports that
 * must pass, so that a config change that silently switches a rule off fails here.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

/** The rule ids ESLint reports for `code` as if it were the file at `file` (relative to the root). */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('layer rules (lint)', function () {
  this.timeout(60_000);

  const forbidden: [file: string, code: string, rule: string][] = [
    ['src/inference/example.ts', "export type { AttentionRun } from '../attention/attentionRun';", 'import-x/no-restricted-paths'],
    ['src/inference/example.ts', "export { WebGpuBridge } from '../views/webGpuBridge';", 'import-x/no-restricted-paths'],
    ['src/attention/example.ts', "export { showAttention } from '../commands/showAttention';", 'import-x/no-restricted-paths'],
    ['src/shared/example.ts', "export type { ModelInfo } from '../inference/runTypes';", 'import-x/no-restricted-paths'],
    ['src/tokenizer/example.ts', "export { readModel } from '../onnx/readModel';", 'import-x/no-restricted-paths'],
    ['src/editor/example.ts', "export { AttentionPanel } from '../views/attentionPanel';", 'import-x/no-restricted-paths'],
    ['webview/example.ts', "export { Analyzer } from '../src/attention/analyzer';", 'import-x/no-restricted-paths'],
    ['src/cli/example.ts', "export { Analyzer } from '../attention/analyzer';", 'import-x/no-restricted-paths'],
    ['src/shared/example.ts', "import * as vscode from 'vscode';\nexport const uri = vscode.Uri;", 'no-restricted-imports'],
  ];
  for (const [file, code, rule] of forbidden) {
    it(`rejects in ${file}: ${code.split('\n')[0]}`, async () => {
      assert.ok((await ruleIds(file, code)).includes(rule));
    });
  }

  const allowed: [file: string, code: string][] = [
    ['src/attention/example.ts', "export type { ModelInfo } from '../inference/runTypes';"],
    ['src/views/example.ts', "export type { AttentionRun } from '../attention/attentionRun';"],
    ['webview/example.ts', "export { MessageType } from '../src/shared/protocol';"],
    ['src/cli/example.ts', "export { AttentionModel } from '../inference/attentionModel';"],
  ];
  for (const [file, code] of allowed) {
    it(`allows in ${file}: ${code}`, async () => {
      assert.deepEqual(await ruleIds(file, code), []);
    });
  }

  it('reports an import cycle', async () => {
    // parsers.ts imports messageType.ts; a messageType.ts importing parsers.ts closes a cycle.
    const ids = await ruleIds('src/shared/protocol/messageType.ts', "import { parseWebviewMessage } from './parsers';\nexport const parse = parseWebviewMessage;");
    assert.ok(ids.includes('import-x/no-cycle'), ids.join(', '));
  });
});
