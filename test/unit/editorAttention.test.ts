import * as assert from 'node:assert/strict';
import { hideColumns } from '../../src/shared/renormalize';
import { quotedText } from '../../src/shared/tokenText';
import { clampSelector } from '../../src/shared/attentionMath';
import {
  ShownHead,
  defaultSelector,
  describeSelector,
  type ShownHeadChange,
} from '../../src/attention/shownHead';
import {
  applyEdit,
  commandUri,
  escapeMarkdown,
  rankKeys,
  shadedKeys,
  tokenIndexAt,
  type TrackedSpan,
} from '../../src/editor/tokenGeometry';
import { MessageType, parseWebviewMessage } from '../../src/shared/protocol';
import type { SourceToken } from '../../src/shared/tokens';

/** "[CLS] foo.bar(x) [SEP]" with a byte fragment before "x". */
const TOKENS: SourceToken[] = [
  { id: 1, text: '[CLS]', start: 0, end: 0, special: true },
  { id: 10, text: 'foo', start: 0, end: 3, special: false },
  { id: 11, text: '.', start: 3, end: 4, special: false },
  { id: 12, text: 'bar', start: 4, end: 7, special: false },
  { id: 13, text: '(', start: 7, end: 8, special: false },
  { id: 14, text: '', start: 9, end: 9, special: false },
  { id: 15, text: 'x', start: 9, end: 10, special: false },
  { id: 2, text: '[SEP]', start: 10, end: 10, special: true },
];

describe('editor attention helpers', () => {
  describe('tokenIndexAt', () => {
    it('finds the token holding an offset, skipping specials and empty fragments', () => {
      assert.equal(tokenIndexAt(TOKENS, 0), 1);
      assert.equal(tokenIndexAt(TOKENS, 2), 1);
      assert.equal(tokenIndexAt(TOKENS, 3), 2);
      assert.equal(tokenIndexAt(TOKENS, 6), 3);
      assert.equal(tokenIndexAt(TOKENS, 9), 6);
    });

    it('finds nothing in gaps or outside the text', () => {
      assert.equal(tokenIndexAt(TOKENS, 8), undefined, 'the gap between "(" and "x"');
      assert.equal(tokenIndexAt(TOKENS, 10), undefined);
      assert.equal(tokenIndexAt(TOKENS, -1), undefined);
      assert.equal(tokenIndexAt([], 0), undefined);
    });

    it('with touchEnd, a cursor just after a token counts when no token starts there', () => {
      assert.equal(tokenIndexAt(TOKENS, 8, true), 4, 'just after "("');
      assert.equal(tokenIndexAt(TOKENS, 10, true), 6, 'just after "x"');
      assert.equal(tokenIndexAt(TOKENS, 3, true), 2, 'a token starting here wins');
      assert.equal(tokenIndexAt(TOKENS, 11, true), undefined);
    });
  });

  describe('applyEdit', () => {
    const span: TrackedSpan = { start: 100, end: 200, stale: false };

    it('shifts the span for edits before it, including ones touching its start', () => {
      assert.deepEqual(applyEdit(span, { offset: 10, removed: 0, inserted: 5 }), { start: 105, end: 205, stale: false });
      assert.deepEqual(applyEdit(span, { offset: 90, removed: 10, inserted: 0 }), { start: 90, end: 190, stale: false });
      assert.deepEqual(applyEdit(span, { offset: 100, removed: 0, inserted: 3 }), { start: 103, end: 203, stale: false });
    });

    it('leaves the span alone for edits after it', () => {
      assert.equal(applyEdit(span, { offset: 200, removed: 0, inserted: 4 }), span);
      assert.equal(applyEdit(span, { offset: 250, removed: 10, inserted: 1 }), span);
    });

    it('marks the span stale for edits inside or across it, and stretches it over the edit', () => {
      assert.deepEqual(applyEdit(span, { offset: 150, removed: 0, inserted: 2 }), { start: 100, end: 202, stale: true });
      assert.deepEqual(applyEdit(span, { offset: 150, removed: 10, inserted: 0 }), { start: 100, end: 190, stale: true });
      assert.deepEqual(applyEdit(span, { offset: 90, removed: 20, inserted: 1 }), { start: 90, end: 181, stale: true });
      assert.deepEqual(applyEdit(span, { offset: 190, removed: 20, inserted: 0 }), { start: 100, end: 190, stale: true });
      assert.deepEqual(applyEdit(span, { offset: 50, removed: 300, inserted: 0 }), { start: 50, end: 50, stale: true });
    });

    it('keeps a stale span stale when later edits shift it', () => {
      assert.deepEqual(applyEdit({ ...span, stale: true }, { offset: 0, removed: 0, inserted: 1 }), { start: 101, end: 201, stale: true });
    });
  });

  describe('rankKeys and shadedKeys', () => {
    const row = Float32Array.from([0.5, 0.1, 0.05, 0.2, 0.1, 0.0, 0.04, 0.01]);

    it('ranks keys strongest first, relative to the strongest shown', () => {
      const all = rankKeys(row, TOKENS, false);
      assert.deepEqual(all.map((k) => k.index).slice(0, 3), [0, 3, 1]);
      assert.equal(all[0].ratio, 1);
      const noSinks = rankKeys(row, TOKENS, true);
      assert.ok(!noSinks.some((k) => k.index === 0 || k.index === 7), 'special tokens and the first token are hidden');
      assert.equal(noSinks[0].index, 3);
      assert.equal(noSinks[0].ratio, 1);
    });

    it('hiding sinks renormalises the row over the keys left, as the panel does', () => {
      const noSinks = rankKeys(row, TOKENS, true);
      // Keys 0 and 7 held 0.51 of the row's 1.0: the rest is scaled by 1 / 0.49.
      const hiddenWeight = row[0] + row[7];
      const total = row.reduce((a, b) => a + b, 0);
      for (const key of noSinks) assert.ok(Math.abs(key.weight - (row[key.index] * total) / (total - hiddenWeight)) < 1e-6, `key ${key.index}`);
      const sum = noSinks.reduce((a, k) => a + k.weight, 0);
      assert.ok(Math.abs(sum - total) < 1e-6, `the shown weights keep the row's sum (${sum})`);
      const panelRow = hideColumns(Float32Array.from([...row, ...row, ...row, ...row, ...row, ...row, ...row, ...row]), 8, [0, 7]).subarray(0, 8);
      for (const key of noSinks) assert.ok(Math.abs(panelRow[key.index] - key.weight) < 1e-6, `panel and editor agree on key ${key.index}`);
    });

    it('shades only ranged keys above the threshold, not the query, in buckets', () => {
      const keys = shadedKeys(row, TOKENS, 3, { hideSinks: true, buckets: 5, minRatio: 0.1, limit: 10 });
      // Strongest shown is "bar" (0.2), but it is the query; then "foo" and "(" at 0.1 = ratio 0.5.
      assert.deepEqual(keys.map((k) => k.index), [1, 4, 2, 6]);
      assert.deepEqual(keys.map((k) => k.bucket), [2, 2, 1, 0]);
      assert.ok(keys.every((k) => !TOKENS[k.index].special && TOKENS[k.index].end > TOKENS[k.index].start));
      const strict = shadedKeys(row, TOKENS, 3, { hideSinks: true, buckets: 5, minRatio: 0.3, limit: 10 });
      assert.deepEqual(strict.map((k) => k.index), [1, 4]);
      const capped = shadedKeys(row, TOKENS, 3, { hideSinks: true, buckets: 5, minRatio: 0.1, limit: 2 });
      assert.deepEqual(capped.map((k) => k.index), [1, 4], 'only the strongest `limit` keys');
    });

    it('puts the strongest key in the top bucket', () => {
      const keys = shadedKeys(row, TOKENS, 1, { hideSinks: true, buckets: 5, minRatio: 0.1, limit: 10 });
      assert.equal(keys[0].index, 3);
      assert.equal(keys[0].bucket, 4);
    });
  });

  describe('hover text', () => {
    it('escapes Markdown so token text shows literally', () => {
      assert.equal(escapeMarkdown('*a*_[b](c)`<img>'), '\\*a\\*\\_\\[b\\]\\(c\\)\\`\\<img\\>');
      assert.equal(escapeMarkdown('plain'), 'plain');
    });

    it('labels tokens with visible whitespace and a length limit', () => {
      assert.equal(quotedText(' x\n'), '" x\\n"');
      assert.equal(quotedText('a'.repeat(40)), `"${'a'.repeat(23)}…"`);
    });

    it('builds command URIs with JSON arguments', () => {
      assert.equal(commandUri('attentionLens.revealToken', [3, 12]), 'command:attentionLens.revealToken?%5B3%2C12%5D');
    });
  });

  describe('ShownHead', () => {
    it('starts from the default aggregate setting', () => {
      assert.deepEqual(defaultSelector('head'), { layer: 0, head: 0 });
      assert.deepEqual(defaultSelector('mean'), { layer: 0, head: 'mean' });
      assert.equal(describeSelector({ layer: 2, head: 'max' }), 'layer 2 · max of heads');
      assert.equal(describeSelector({ layer: 1, head: 3 }), 'layer 1 · head 3');
    });

    it('fires on real changes only, with their source', () => {
      const state = new ShownHead();
      const seen: ShownHeadChange[] = [];
      const subscription = state.onDidChange((c) => seen.push(c));
      assert.equal(state.set({ layer: 0, head: 0 }, 'panel'), false);
      assert.equal(state.set({ layer: 2, head: 'mean' }, 'side'), true);
      assert.deepEqual(seen, [{ selector: { layer: 2, head: 'mean' }, source: 'side' }]);
      subscription.dispose();
      state.set({ layer: 1, head: 1 }, 'panel');
      assert.equal(seen.length, 1, 'no events after dispose');
      assert.deepEqual(state.selector, { layer: 1, head: 1 });
    });

    it('fits a selection to a smaller model', () => {
      assert.deepEqual(clampSelector({ layer: 5, head: 7 }, 4, 4), { layer: 3, head: 3 });
      assert.deepEqual(clampSelector({ layer: 1, head: 'max' }, 4, 4), { layer: 1, head: 'max' });
      const state = new ShownHead({ layer: 3, head: 3 });
      state.fit(2, 2);
      assert.deepEqual(state.selector, { layer: 1, head: 1 });
    });
  });

  describe('HeadPicked message', () => {
    it('accepts a layer and head or aggregate, and rejects anything else', () => {
      assert.deepEqual(parseWebviewMessage({ type: MessageType.HeadPicked, layer: 1, head: 'mean' }), {
        type: MessageType.HeadPicked,
        layer: 1,
        head: 'mean',
      });
      assert.deepEqual(parseWebviewMessage({ type: MessageType.HeadPicked, layer: 0, head: 2, extra: 1 }), {
        type: MessageType.HeadPicked,
        layer: 0,
        head: 2,
      });
      for (const bad of [
        { type: MessageType.HeadPicked, layer: -1, head: 0 },
        { type: MessageType.HeadPicked, layer: 0, head: 'median' },
        { type: MessageType.HeadPicked, layer: 0.5, head: 0 },
        { type: MessageType.HeadPicked, layer: 0 },
        { type: MessageType.HeadPicked, layer: '1', head: 1 },
      ]) {
        assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
      }
    });
  });
});
