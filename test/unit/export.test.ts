// Export: the SVG figures against the matrices and weights they came from, and the validation
// of the export message a webview may send.
import * as assert from 'node:assert/strict';
import { MAX_EXPORT_BYTES, MessageType, parseWebviewMessage } from '../../src/shared/protocol';
import { cellColorIndices, crossMatrixSvg, matrixSvg, svgText, tokensSvg } from '../../src/shared/svgFigure';
import { layoutTokens } from '../../src/shared/tokenLayout';
import type { TokenInfo } from '../../src/shared/protocol';
import { drawnCellIndices } from '../support/svgCells';

describe('SVG figures', () => {
  const tokens: TokenInfo[] = [
    { text: 'a', start: 0, end: 1, id: 10, special: false },
    { text: ' <b>', start: 1, end: 5, id: 11, special: false },
    { text: '\n', start: 5, end: 6, id: 12, special: false },
    { text: 'c&d', start: 6, end: 9, id: 13, special: false },
  ];
  const text = 'a <b>\nc&d';
  // A causal matrix: every row sums to 1.
  const matrix = Float32Array.from([1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.2, 0.3, 0.5, 0, 0.1, 0.2, 0.3, 0.4]);

  it('colours each cell as the panel does (hand-worked, linear scale)', () => {
    const indices = cellColorIndices(matrix, 4, 'linear', 0);
    // Row 0 is left out of the colour max (it is always 1 in a causal model): max = 0.5.
    assert.equal(indices[4], 255, '0.5 is the top colour');
    assert.equal(indices[8], Math.round((0.2 / 0.5) * 255));
    assert.equal(indices[0], 255, 'weights above the max are drawn at the top colour');
    assert.equal(indices[3], 0, 'masked cells are the bottom colour');
    assert.equal(cellColorIndices(matrix, 4, 'linear', 0.25)[8], 0, 'below the threshold is hidden');
    assert.equal(cellColorIndices(matrix, 4, 'row', 0)[12], Math.round((0.1 / 0.4) * 255), 'per-row max');
    assert.equal(cellColorIndices(matrix, 4, 'sqrt', 0)[8], Math.round(Math.sqrt(0.2 / 0.5) * 255));
  });

  it('draws every cell of the matrix in its colour, with labels in token order', () => {
    for (const mode of ['sqrt', 'linear', 'row'] as const) {
      const svg = matrixSvg({ title: 'sample.ts:1 · layer 0, head 1', labels: tokens.map((t) => t.text), matrix, size: 4, mode, threshold: 0 });
      const indices = cellColorIndices(matrix, 4, mode, 0);
      assert.deepEqual(drawnCellIndices(svg, 4), Array.from(indices), mode);
      const queryLabels = [...svg.slice(svg.indexOf('query-labels')).matchAll(/data-index="(\d+)">([^<]*)</g)].slice(0, 4);
      assert.deepEqual(queryLabels.map((m) => Number(m[1])), [0, 1, 2, 3]);
      assert.deepEqual(queryLabels.map((m) => m[2]), ['a #0', ' &lt;b&gt; #1', '\\n #2', 'c&amp;d #3'], 'labels are escaped text');
    }
  });

  it('draws a cross-attention matrix T_q x T_k, rows labelled by queries and columns by keys', () => {
    // 2 queries x 3 keys (hand-worked): the colour range tops at the largest weight of all rows.
    const cross = Float32Array.from([0.6, 0.3, 0.1, 0.2, 0.3, 0.5]);
    const svg = crossMatrixSvg({ title: 'cross', queryLabels: ['x', 'y'], keyLabels: ['a', 'b', 'c'], matrix: cross, mode: 'linear', threshold: 0 });
    const linear = (w: number, top: number) => Math.round((w / top) * 255);
    assert.deepEqual(drawnCellIndices(svg, 2, 3), Array.from(cross, (w) => linear(w, cross[0])));
    const labels = (group: string) => [...svg.slice(svg.indexOf(group)).split('</g>')[0].matchAll(/data-index="(\d+)">([^<]*)</g)].map((m) => m[2]);
    assert.deepEqual(labels('query-labels'), ['x #0', 'y #1']);
    assert.deepEqual(labels('key-labels'), ['a #0', 'b #1', 'c #2']);
    const rowScaled = crossMatrixSvg({ title: 'cross', queryLabels: ['x', 'y'], keyLabels: ['a', 'b', 'c'], matrix: cross, mode: 'row', threshold: 0 });
    // Each row its own top: 0.6 for row 0 (cell 0), 0.5 for row 1 (cell 5).
    assert.deepEqual(drawnCellIndices(rowScaled, 2, 3), Array.from(cross, (w, i) => linear(w, cross[i < 3 ? 0 : 5])));
  });

  it('is wide enough for a long title (12 px bold: ~7.4 px a character), for the matrix and the tokens', () => {
    const title = 'a-rather-long-file-name.ts:1-28 · attention-lens-code-4x4 · layer 2, head 1 · #41 "capacity" attends to';
    const width = (svg: string) => Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
    const figures = [
      matrixSvg({ title, labels: tokens.map((t) => t.text), matrix, size: 4, mode: 'sqrt', threshold: 0 }),
      tokensSvg({ title, lines: layoutTokens(text, tokens), weights: undefined, focus: [], threshold: 0 }),
      crossMatrixSvg({ title, queryLabels: ['x'], keyLabels: ['a', 'b'], matrix: Float32Array.from([0.5, 0.5]), mode: 'sqrt', threshold: 0 }),
    ];
    for (const svg of figures) assert.ok(width(svg) >= title.length * 12 * 0.62, `${width(svg)} px for ${title.length} characters`);
  });

  it('writes a standalone document with its title, a legend and real text', () => {
    const svg = matrixSvg({ title: 'a <title>', labels: tokens.map((t) => t.text), matrix, size: 4, mode: 'sqrt', threshold: 0 });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    assert.match(svg, /<title>a &lt;title&gt;<\/title>/);
    assert.match(svg, /<linearGradient id="legend">/);
    assert.match(svg, /square-root scale/);
    assert.ok(!svg.includes('<image'), 'vector only: no embedded bitmap');
  });

  it('keeps a 512-token matrix compact and labels only what fits', () => {
    const size = 512;
    const big = new Float32Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j <= i; j++) big[i * size + j] = j === i - 1 ? 0.6 : 0.4 / i;
    const svg = matrixSvg({ title: 't', labels: Array.from({ length: size }, (_, i) => `t${i}`), matrix: big, size, mode: 'sqrt', threshold: 0 });
    assert.ok(svg.length < 8_000_000, `${svg.length} bytes`);
    const labels = svg.slice(svg.indexOf('query-labels')).match(/data-index=/g)!.length;
    assert.ok(labels < size, 'every k-th token labelled');
  });

  it('shades each token by its weight, in source order, with its exact weight', () => {
    const weights = Float32Array.from([0.1, 0.2, 0.3, 0.4]);
    const svg = tokensSvg({ title: 'x', lines: layoutTokens(text, tokens), weights, focus: [3], threshold: 0 });
    const groups = [...svg.matchAll(/<g class="token" data-index="(\d+)" data-weight="([\d.]+)">/g)];
    assert.deepEqual(groups.map((g) => Number(g[1])), [0, 1, 2, 3]);
    groups.forEach((g, i) => assert.equal(Number(g[2]), Number(weights[i].toFixed(6))));
    assert.match(svg, /rgba\(0,122,204,1\.000\)/, 'the strongest token is fully shaded');
    assert.match(svg, /stroke="#005a9e"/, 'the focused token is outlined');
    assert.ok(svg.includes('>c&amp;d<') && svg.includes('> &lt;b&gt;<'), 'token text is escaped');
  });

  it('escapes text for XML and shows invisible characters', () => {
    assert.equal(svgText('a<b>&"c"'), 'a&lt;b&gt;&amp;&quot;c&quot;');
    assert.equal(svgText('\t\n'), '\\t\\n');
    assert.equal(svgText('back\\slash'), 'back\\slash');
  });

  it('keeps figures well-formed XML for every code point a token can hold', () => {
    // XML 1.0 Char production: https://www.w3.org/TR/xml/#charsets
    const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
    const hostile = ['\uFFFE', '\uFFFF', '\u0000\u0008\u000B\u001F', '\uD800', 'a\uDC00b', '\u{10FFFF}'];
    for (const token of hostile) assert.doesNotMatch(svgText(token), notXmlChar, JSON.stringify(token));
    const hostileText = 'x\uFFFEy\uFFFF';
    const svg = tokensSvg({
      title: 'x\uFFFF',
      lines: layoutTokens(hostileText, [
        { text: 'x\uFFFE', start: 0, end: 2, id: 1, special: false },
        { text: 'y\uFFFF', start: 2, end: 4, id: 2, special: false },
      ]),
      weights: Float32Array.from([0.5, 0.5]),
      focus: [1],
      threshold: 0,
    });
    assert.doesNotMatch(svg, notXmlChar);
    assert.ok(svg.includes('x\\uFFFE') && svg.includes('y\\uFFFF'), 'the noncharacters are shown as escapes');
  });
});

describe('export messages', () => {
  it('accepts SVG text, PNG bytes and a JSON request, and cleans the suggested name', () => {
    assert.deepEqual(parseWebviewMessage({ type: MessageType.SaveExport, runId: 1, format: 'svg', name: 'a', data: '<svg/>' }), {
      type: MessageType.SaveExport, runId: 1, format: 'svg', name: 'a', data: '<svg/>',
    });
    const png = parseWebviewMessage({ type: MessageType.SaveExport, runId: 1, format: 'png', name: 'b', data: new Uint8Array([1, 2, 3]) });
    assert.ok(png && png.type === MessageType.SaveExport && png.data instanceof ArrayBuffer && png.data.byteLength === 3);
    assert.deepEqual(parseWebviewMessage({ type: MessageType.SaveExport, runId: 1, format: 'json', name: '../../etc/passwd' }), {
      type: MessageType.SaveExport, runId: 1, format: 'json', name: '.._.._etc_passwd',
    });
  });

  it('rejects unknown formats, missing or mistyped data and oversized figures', () => {
    const bad: unknown[] = [
      { type: MessageType.SaveExport, runId: 1, format: 'pdf', name: 'a' },
      { type: MessageType.SaveExport, runId: 1, format: 'svg', name: 'a' },
      { type: MessageType.SaveExport, runId: 1, format: 'svg', name: 'a', data: new ArrayBuffer(3) },
      { type: MessageType.SaveExport, runId: 1, format: 'png', name: 'a', data: 'x' },
      { type: MessageType.SaveExport, runId: -1, format: 'json', name: 'a' },
      { type: MessageType.SaveExport, runId: 1, format: 'json', name: 3 },
      { type: MessageType.SaveExport, runId: 1, format: 'svg', name: 'a', data: 'x'.repeat(MAX_EXPORT_BYTES + 1) },
    ];
    for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message).slice(0, 120));
  });
});
