// Laying tokens out as source lines for the token view.
import * as assert from 'node:assert/strict';
import { layoutTokens } from '../../src/shared/tokenLayout';

describe('token layout', () => {
  const token = (text: string, start: number, end: number, special = false) => ({ text, start, end, id: 0, special });
  it('keeps gaps, breaks lines at newline tokens and places special tokens', () => {
    const text = 'ab\n  c d';
    const lines = layoutTokens(text, [token('<s>', 0, 0, true), token('ab', 0, 2), token('\n', 2, 3), token('c', 5, 6), token('d', 7, 8)]);
    assert.deepEqual(lines, [
      [{ kind: 'token', index: 0, label: '<s>', special: true }, { kind: 'token', index: 1, label: 'ab', special: false }, { kind: 'token', index: 2, label: '\u21b5', special: false }],
      [{ kind: 'text', text: '  ' }, { kind: 'token', index: 3, label: 'c', special: false }, { kind: 'text', text: ' ' }, { kind: 'token', index: 4, label: 'd', special: false }],
    ]);
  });
  it('breaks lines in gaps and keeps trailing text; empty tokens show a dot', () => {
    const lines = layoutTokens('a\n\nb x', [token('a', 0, 1), token('', 3, 3), token('b', 3, 4)]);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1], []);
    assert.deepEqual(lines[2], [{ kind: 'token', index: 1, label: '\u00b7', special: false }, { kind: 'token', index: 2, label: 'b', special: false }, { kind: 'text', text: ' x' }]);
  });
});
