import * as assert from 'node:assert/strict';
import { AA_TEXT, composite, contrastRatio, cssRgb, parseColor, readableText, relativeLuminance, type Rgba } from '../../src/shared/contrast';
import { SHADE_BUCKETS, shadeBucket, shadeColorId } from '../../src/shared/shadeBuckets';
import { firstLineOf, headName, spokenText, tokenName } from '../../webview/accessibleNames';
import { lineNeighbour, type TokenLines } from '../../webview/tokenLines';
import { cellAt, maxScale, visibleSpan, zoomAroundCell } from '../../webview/viewport';

const rgb = (r: number, g: number, b: number, a = 1): Rgba => ({ r, g, b, a });

describe('contrast maths (WCAG 2.2)', () => {
  it('gives the published extremes and reference values', () => {
    assert.equal(relativeLuminance(rgb(0, 0, 0)), 0);
    assert.equal(relativeLuminance(rgb(255, 255, 255)), 1);
    assert.equal(contrastRatio(rgb(0, 0, 0), rgb(255, 255, 255)), 21);
    assert.equal(contrastRatio(rgb(90, 90, 90), rgb(90, 90, 90)), 1);
    // #767676 on white is the well-known lightest grey that passes AA: 4.54:1.
    assert.equal(contrastRatio(rgb(0x76, 0x76, 0x76), rgb(255, 255, 255)).toFixed(2), '4.54');
    // #777777 just fails: 4.48:1.
    assert.equal(contrastRatio(rgb(255, 255, 255), rgb(0x77, 0x77, 0x77)).toFixed(2), '4.48');
  });

  it('parses the colours browsers serialise', () => {
    assert.deepEqual(parseColor('rgb(30, 30, 30)'), rgb(30, 30, 30));
    assert.deepEqual(parseColor('rgba(255, 165, 0, 0.5)'), rgb(255, 165, 0, 0.5));
    assert.deepEqual(parseColor('rgb(255 165 0 / 25%)'), rgb(255, 165, 0, 0.25));
    assert.deepEqual(parseColor('color(srgb 1 0.5 0 / 0.5)'), rgb(255, 127.5, 0, 0.5));
    assert.deepEqual(parseColor('#ffa50080'), rgb(255, 165, 0, 128 / 255));
    assert.deepEqual(parseColor('#fff'), rgb(255, 255, 255));
    assert.deepEqual(parseColor('transparent'), rgb(0, 0, 0, 0));
    assert.equal(parseColor('color(display-p3 1 0 0)'), undefined);
    assert.equal(parseColor('red'), undefined);
    assert.equal(parseColor('rgb(1, 2)'), undefined);
  });

  it('composites a translucent colour over an opaque one', () => {
    assert.deepEqual(composite(rgb(255, 255, 255, 0.5), rgb(0, 0, 0)), rgb(127.5, 127.5, 127.5));
    assert.deepEqual(composite(rgb(10, 20, 30, 1), rgb(200, 200, 200)), rgb(10, 20, 30));
    assert.equal(cssRgb(rgb(127.5, 0.4, 254.6)), 'rgb(128, 0, 255)');
  });

  it('keeps the theme foreground where it reads, else picks black or white', () => {
    const light = rgb(0xcc, 0xcc, 0xcc);
    assert.deepEqual(readableText(rgb(30, 30, 30), [light]), light);
    // The Dark theme's strongest orange under its light foreground measured 1.85:1: black instead.
    const orange = composite(parseColor('#ffa500a8')!, rgb(0x1f, 0x1f, 0x1f));
    assert.ok(contrastRatio(light, orange) < AA_TEXT);
    assert.deepEqual(readableText(orange, [light]), rgb(0, 0, 0));
    assert.deepEqual(readableText(rgb(0, 0, 128), [rgb(0, 0, 0)]), rgb(255, 255, 255));
  });

  it('always reaches 4.5:1 on any opaque background', () => {
    for (let r = 0; r <= 255; r += 15) {
      for (let g = 0; g <= 255; g += 15) {
        for (let b = 0; b <= 255; b += 15) {
          const bg = rgb(r, g, b);
          assert.ok(contrastRatio(readableText(bg), bg) >= AA_TEXT, `on ${cssRgb(bg)}`);
        }
      }
    }
  });
});

describe('shading steps', () => {
  it('maps a relative weight to one of five equal steps, as the editor and panel share', () => {
    assert.equal(SHADE_BUCKETS, 5);
    assert.deepEqual([0.01, 0.2, 0.21, 0.4, 0.6, 0.8, 0.81, 1].map((r) => shadeBucket(r)), [0, 0, 1, 1, 2, 3, 4, 4]);
    assert.equal(shadeBucket(0), 0);
    assert.equal(shadeBucket(Number.NaN), 0);
    assert.equal(shadeBucket(7), 4);
    assert.equal(shadeColorId(4), 'attentionLens.attention5');
  });
});

describe('screen-reader names', () => {
  it('names a token by its text, line and weight, never its vocabulary id', () => {
    assert.equal(tokenName({ text: 'capacity', special: false, line: 3, weight: 0.12345 }), 'capacity, line 3, weight 0.1235');
    assert.equal(tokenName({ text: ' =', special: false, line: 1 }), '=, line 1');
    assert.equal(tokenName({ text: '<s>', special: true, line: 1, weight: 0.5 }), 'special token <s>, line 1, weight 0.5000');
    assert.equal(tokenName({ text: '\n    ', special: false, line: 7, weight: Number.NaN }), 'newline, 4 spaces, line 7');
  });

  it('reads the first editor line from a run source', () => {
    assert.equal(firstLineOf('sample.ts:12-40'), 12);
    assert.equal(firstLineOf('a:b.ts:7'), 7);
    assert.equal(firstLineOf('Untitled-1'), 1);
  });

  it('speaks whitespace-only tokens by name', () => {
    assert.equal(spokenText(' '), 'space');
    assert.equal(spokenText('\t\t'), '2 tabs');
    assert.equal(spokenText('\n\n  '), '2 newlines, 2 spaces');
    assert.equal(spokenText(''), 'empty');
    assert.equal(spokenText('foo'), 'foo');
  });

  it('names a head thumbnail with its scores', () => {
    assert.equal(
      headName(2, 1, 3, [['previous-token', 0.8234], ['entropy (bits, low first)', 1.44], ['induction-like', Number.NaN]]),
      'Layer 2, head 1, rank 3: previous-token 0.82, entropy (bits, low first) 1.4, induction-like n/a',
    );
    assert.equal(headName(0, 0, undefined, []), 'Layer 0, head 0: ');
  });
});

describe('token view line moves', () => {
  // line 0: tokens 0 (col 0), 1 (col 6), 2 (col 12); line 1: empty; line 2: 3 (col 2), 4 (col 10)
  const layout: TokenLines = {
    lines: [[0, 1, 2], [], [3, 4]],
    lineOf: [0, 0, 0, 2, 2],
    column: [0, 6, 12, 2, 10],
  };

  it('goes to the nearest column on the next line with tokens, skipping empty lines', () => {
    assert.equal(lineNeighbour(layout, 2, 1), 4);
    assert.equal(lineNeighbour(layout, 0, 1), 3);
    assert.equal(lineNeighbour(layout, 1, 1), 3, 'a tie goes to the earlier token');
    assert.equal(lineNeighbour(layout, 4, -1), 2);
    assert.equal(lineNeighbour(layout, 3, -1), 0);
  });

  it('stays put at the first and last lines and for an unknown token', () => {
    assert.equal(lineNeighbour(layout, 1, -1), 1);
    assert.equal(lineNeighbour(layout, 4, 1), 4);
    assert.equal(lineNeighbour(layout, 9, 1), 9);
  });
});

describe('keyboard zoom about the crosshair', () => {
  const size = 100;
  const most = maxScale(size, 400);

  it('keeps the crosshair cell on the canvas, at the same place when nothing is clamped', () => {
    for (const [row, col] of [[3, 97], [50, 50], [99, 0], [10, 80]]) {
      let zoom = { scale: 1, x: 0, y: 0 };
      for (let i = 0; i < 5; i++) {
        const next = zoomAroundCell(zoom, size, most, 2, row, col);
        const span = visibleSpan(size, next);
        assert.ok(col >= next.x && col + 1 <= next.x + span + 1e-9, `column ${col} visible at ${JSON.stringify(next)}`);
        assert.ok(row >= next.y && row + 1 <= next.y + span + 1e-9, `row ${row} visible at ${JSON.stringify(next)}`);
        zoom = next;
      }
      assert.equal(zoom.scale, most);
    }
    // Unclamped: the cell's centre keeps its fraction of the canvas.
    const before = { scale: 2, x: 20, y: 20 };
    const after = zoomAroundCell(before, size, most, 2, 40, 30);
    const at = (z: typeof before, cell: number, origin: number) => (cell + 0.5 - origin) / visibleSpan(size, z);
    assert.ok(Math.abs(at(before, 30, before.x) - at(after, 30, after.x)) < 1e-9);
    assert.deepEqual(cellAt(after, size, at(after, 30, after.x), at(after, 40, after.y)), { row: 40, col: 30 });
  });
});
