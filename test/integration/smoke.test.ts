import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('smoke', () => {
  it('runs inside a real VS Code', () => {
    assert.equal(typeof vscode.version, 'string');
  });

  it('has the extension under development loaded', () => {
    assert.ok(vscode.extensions.getExtension('attention-lens.attention-lens'));
  });
});
