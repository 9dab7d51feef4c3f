// The extension's exported API, activated once, for the integration tests.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AttentionLensApi } from '../../src/extension';

export const EXTENSION_ID = 'attention-lens.attention-lens';

export async function api(): Promise<AttentionLensApi> {
  const extension = vscode.extensions.getExtension<AttentionLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}
