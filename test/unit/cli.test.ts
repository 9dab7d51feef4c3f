import * as assert from 'node:assert/strict';
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import { CliUsageError, parseCliArgs, parseRange } from '../../src/cli/cliArgs';
import { resultToJson } from '../../src/shared/resultJson';
import { lineStarts, offsetAt, positionAt } from '../../src/shared/textPositions';

describe('command line', () => {
  it('parses a 1-based range into 0-based positions', () => {
    assert.deepEqual(parseRange('3:1-10:5'), { start: { line: 2, character: 0 }, end: { line: 9, character: 4 } });
    for (const bad of ['3:1', '0:1-2:1', '3:5-3:5', '4:1-3:1', 'a:b-c:d']) {
      assert.throws(() => parseRange(bad), CliUsageError, bad);
    }
  });

  it('needs one file and at least one output', () => {
    assert.throws(() => parseCliArgs([]), /no input file/);
    assert.throws(() => parseCliArgs(['a.ts']), /nothing to write/);
    assert.throws(() => parseCliArgs(['a.ts', 'b.ts', '--json', 'o']), /exactly one/);
    assert.throws(() => parseCliArgs(['a.ts', '--json', 'o', '--threads', '0']), /positive integer/);
    assert.throws(() => parseCliArgs(['a.ts', '--bogus']), CliUsageError);
    const options = parseCliArgs(['a.ts', '--json', 'o.json', '--range', '1:1-2:1', '--max-tokens', '64']);
    assert.equal(options.file, 'a.ts');
    assert.equal(options.json, 'o.json');
    assert.equal(options.maxTokens, 64);
    assert.equal(options.html, undefined);
  });
});

describe('text positions', () => {
  const text = 'ab\r\ncd\n\nxyz';
  const starts = lineStarts(text);

  it('finds line starts after LF, keeping CR with the line break', () => {
    assert.deepEqual(starts, [0, 4, 7, 8]);
    assert.deepEqual(positionAt(starts, 5), { line: 1, character: 1 });
    assert.deepEqual(positionAt(starts, 7), { line: 2, character: 0 });
    assert.deepEqual(positionAt(starts, 11), { line: 3, character: 3 });
  });

  it('clamps offsets like VS Code does', () => {
    assert.equal(offsetAt(text, starts, { line: 0, character: 99 }), 2, 'before the CRLF');
    assert.equal(offsetAt(text, starts, { line: 1, character: 1 }), 5);
    assert.equal(offsetAt(text, starts, { line: 9, character: 0 }), text.length);
    assert.equal(offsetAt(text, starts, { line: -1, character: 0 }), 0);
  });
});

describe('result JSON', () => {
  it('keeps token order, offsets, file positions and every weight', () => {
    const documentText = 'x = 1\ny = x\n';
    const tokens = [
      { id: 5, text: 'y', start: 0, end: 1, special: false },
      { id: 6, text: ' =', start: 1, end: 3, special: false },
    ];
    const layer = Float32Array.from([1, 0, 0.25, 0.75, 1, 0, 0.5, 0.5]);
    const json = resultToJson({
      source: { file: 'a.py', startOffset: 6, text: 'y =' },
      tokens,
      attention: inMemoryLayers([layer], tokens.length),
      model: { name: 'm', layers: 1, heads: 2, context: 8, causal: true },
      documentText,
    });
    assert.deepEqual(
      json.tokens.map((t) => [t.index, t.id, t.text, t.start, t.end, t.line, t.character]),
      [
        [0, 5, 'y', 0, 1, 1, 0],
        [1, 6, ' =', 1, 3, 1, 1],
      ],
    );
    assert.deepEqual(json.attention, [[[[1, 0], [0.25, 0.75]], [[1, 0], [0.5, 0.5]]]]);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json, 'round-trips through JSON');
  });
});
