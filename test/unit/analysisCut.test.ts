import * as assert from 'node:assert/strict';
import { analysisCut, cutMessage, placeAfter } from '../../src/shared/analysisCut';
import { applyEdit, unstaleSpan, type TrackedSpan } from '../../src/editor/tokenGeometry';
import { ENGLISH } from '../../src/shared/translator';
import { zhTw } from '../support/zhTwBundle';

/** `lines` lines of `width` x's each, joined by \n. */
function text(lines: number, width: number): string {
  return Array.from({ length: lines }, () => 'x'.repeat(width)).join('\n');
}

describe('where a truncated analysis stopped', () => {
  it('places a position after text with and without line breaks', () => {
    assert.deepEqual(placeAfter({ line: 4, character: 3 }, 'abc'), { line: 4, character: 6 });
    assert.deepEqual(placeAfter({ line: 4, character: 3 }, 'ab\ncd\ne'), { line: 6, character: 1 });
    assert.deepEqual(placeAfter({ line: 0, character: 0 }, 'ab\n'), { line: 1, character: 0 });
  });

  it('a cut at a line start ends the previous line: "lines 1–42 of 400"', () => {
    const doc = text(400, 9);
    const end = 42 * 10; // just after the line break of line 42
    const cut = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 399 }, doc, end, 512);
    assert.deepEqual(cut, { firstLine: 1, lastLine: 42, lastColumn: undefined, requestedLastLine: 400, tokenLimit: 512 });
    assert.equal(cutMessage(cut), 'Analysed lines 1–42 of 400 lines (512-token limit).');
  });

  it('a cut the memory budget set says so instead of naming a token limit', () => {
    const doc = text(400, 9);
    const cut = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 399 }, doc, 42 * 10, 1672, true);
    assert.equal(cut.memoryBound, true);
    assert.equal(cutMessage(cut), 'Analysed lines 1–42 of 400 lines (1672 tokens: the most whose attention fits in memory).');
  });

  it('a cut before a line break ends its own line', () => {
    const doc = text(5, 9);
    const cut = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 4 }, doc, 29, 64);
    assert.equal(cut.lastLine, 3);
    assert.equal(cut.lastColumn, undefined);
  });

  it('a cut inside a long line names the line and the column of its last analysed character', () => {
    const doc = text(3, 1000);
    const end = 2 * 1001 + 16; // 16 characters of line 3
    const cut = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 2 }, doc, end, 512);
    assert.equal(cut.lastLine, 3);
    assert.equal(cut.lastColumn, 16);
    assert.equal(cutMessage(cut), 'Analysed line 1 to line 3, column 16, of 3 lines (512-token limit).');
    assert.doesNotMatch(cutMessage(cut), /1–3/);
  });

  it('a selection starting mid-document is counted in document lines', () => {
    const doc = text(300, 9);
    const cut = analysisCut({ start: { line: 99, character: 4 }, requestedLastLine: 399 }, doc, 50 * 10, 128);
    assert.deepEqual([cut.firstLine, cut.lastLine, cut.requestedLastLine], [100, 149, 400]);
    assert.equal(cutMessage(cut), 'Analysed lines 100–149 of lines 100–400 (128-token limit).');
  });

  it('a single cut line says "up to column"', () => {
    const cut = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 0 }, 'y'.repeat(9000), 4000, 512);
    assert.equal(cutMessage(cut), 'Analysed line 1 up to column 4000 of line 1 (512-token limit).');
  });

  it('is worded by the translator it is given, its parts reordered as the language needs', () => {
    const lines = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 399 }, text(400, 9), 42 * 10, 512);
    assert.equal(cutMessage(lines, zhTw), '已分析共 400 行中的第 1–42 行（上限 512 個詞元）。');
    const column = analysisCut({ start: { line: 0, character: 0 }, requestedLastLine: 2 }, text(3, 1000), 2 * 1001 + 16, 512);
    assert.equal(cutMessage(column, zhTw), '已分析共 3 行中的第 1 行至第 3 行第 16 欄（上限 512 個詞元）。');
    assert.equal(cutMessage(column, ENGLISH), cutMessage(column));
  });
});

describe('a stale span made current again', () => {
  const analysed = 'const a = 1;';
  it('after an edit inside it is undone', () => {
    let span: TrackedSpan = { start: 100, end: 100 + analysed.length, stale: false };
    span = applyEdit(span, { offset: 106, removed: 0, inserted: 1 }); // typed a character
    assert.equal(span.stale, true);
    span = applyEdit(span, { offset: 106, removed: 1, inserted: 0 }); // undone
    assert.deepEqual(unstaleSpan(span, analysed, analysed), { start: 100, end: 112, stale: false });
  });

  it('after an overlapping edit that stretched it is undone', () => {
    const span: TrackedSpan = { start: 90, end: 112, stale: true };
    const current = 'fn();\n    ' + analysed; // the stretched span covers text before the analysed text
    assert.deepEqual(unstaleSpan(span, analysed, current), { start: 100, end: 112, stale: false });
  });

  it('stays stale while the text differs or appears twice', () => {
    const span: TrackedSpan = { start: 0, end: 30, stale: true };
    assert.equal(unstaleSpan(span, analysed, 'const a = 2;'), undefined);
    assert.equal(unstaleSpan(span, analysed, analysed + analysed), undefined);
  });
});
