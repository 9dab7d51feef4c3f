// Finding the heads the Model view's sort puts first, from real head scores of small matrices.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { headBadges } from '../../src/shared/headBadges';
import { MIN_INFORMATIVE_SCORE, mostInformativeHead, patternOfTopHead, topHeads } from '../../src/attention/patternHeads';
import { InformativeHeadChooser, type OpenOn } from '../../src/attention/informativeHeadChooser';
import { ShownHead } from '../../src/attention/shownHead';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { HEAD_SCORE_NAMES } from '../../src/shared/protocol';

/** One layer of `heads` causal T x T matrices, [head][query][key], from per-head row builders. */
function layer(size: number, rows: ((i: number) => number[])[]): Float32Array {
  const out = new Float32Array(rows.length * size * size);
  rows.forEach((row, h) => {
    for (let i = 0; i < size; i++) out.set(row(i), (h * size + i) * size);
  });
  return out;
}

const oneHot = (size: number, j: number) => Array.from({ length: size }, (_, k) => (k === j ? 1 : 0));
const uniform = (size: number, i: number) => Array.from({ length: size }, (_, k) => (k <= i ? 1 / (i + 1) : 0));

describe('Pattern heads', function () {
  // "( a ) ( a )": brackets and a repeat, 6 tokens.
  const texts = ['(', 'a', ')', '(', 'a', ')'];
  const tokens = texts.map((text, i) => ({ text, id: [1, 2, 3, 1, 2, 3][i] }));
  const size = tokens.length;
  // Layer 0: head 0 attends to itself, head 1 to the previous token. Layer 1: head 0 uniform, head 1 to itself.
  const attention = [
    layer(size, [(i) => oneHot(size, i), (i) => oneHot(size, Math.max(0, i - 1))]),
    layer(size, [(i) => uniform(size, i), (i) => oneHot(size, i)]),
  ];
  const scores = headBadges(inMemoryLayers(attention, size), tokens);

  it('finds the previous-token head from the scores headBadges computes', function () {
    assert.deepEqual(topHeads(scores, 2, 2, 'previous'), [{ layer: 0, head: 1 }]);
    assert.equal(patternOfTopHead(scores, 2, 2, { layer: 0, head: 1 }), 'previous');
    assert.equal(patternOfTopHead(scores, 2, 2, { layer: 1, head: 1 }), undefined, 'a self-attending head is first by none of the named patterns');
  });

  it('returns every head on a tie and none when the pattern does not occur', function () {
    const perHead = HEAD_SCORE_NAMES.length;
    const tied = new Float32Array(2 * perHead).fill(0.5);
    assert.deepEqual(topHeads(tied, 1, 2, 'bracket'), [{ layer: 0, head: 0 }, { layer: 0, head: 1 }]);
    assert.deepEqual(topHeads(new Float32Array(2 * perHead).fill(NaN), 1, 2, 'bracket'), []);
  });

  it('refuses scores of the wrong shape', function () {
    assert.throws(() => topHeads(scores, 3, 2, 'previous'), /expected 3 x 2 x 5 scores, got 20/);
  });

  it('opens on the head with the strongest named pattern, and on none below the threshold', function () {
    const best = mostInformativeHead(scores, 2, 2);
    assert.deepEqual(best && { layer: best.layer, head: best.head, pattern: best.pattern }, { layer: 0, head: 1, pattern: 'previous' });
    const perHead = HEAD_SCORE_NAMES.length;
    const weak = new Float32Array(4 * perHead).fill(MIN_INFORMATIVE_SCORE / 2);
    assert.equal(mostInformativeHead(weak, 2, 2), undefined);
    // Induction beats a weaker bracket head; entropy and sparsity never count.
    const mixed = new Float32Array(4 * perHead).fill(NaN);
    mixed[1 * perHead + HEAD_SCORE_NAMES.indexOf('bracket')] = 0.5;
    mixed[3 * perHead + HEAD_SCORE_NAMES.indexOf('induction')] = 0.7;
    mixed[2 * perHead + HEAD_SCORE_NAMES.indexOf('sparsity')] = 0.99;
    assert.deepEqual(mostInformativeHead(mixed, 2, 2), { layer: 1, head: 1, pattern: 'induction', score: mixed[3 * perHead + 2] });
  });
});

describe('Opening runs on their most informative head', function () {
  const run = (runId: number) => ({ runId, model: { layers: 2, heads: 2 } }) as unknown as AttentionRun;
  const perHead = HEAD_SCORE_NAMES.length;
  const scores = new Float32Array(4 * perHead).fill(0.01);
  scores[3 * perHead + HEAD_SCORE_NAMES.indexOf('previous')] = 0.8;

  function setup(openOn: OpenOn = 'mostInformativeHead', note?: (head: { layer: number; head: number; pattern: string }) => string) {
    const shownHead = new ShownHead();
    let latest: AttentionRun | undefined;
    const notes: (string | undefined)[] = [];
    shownHead.onDidChange((change) => notes.push(change.note));
    const chooser = new InformativeHeadChooser({ shownHead, scoresOf: async () => scores, latest: () => latest, openOn: () => openOn, ...(note ? { note } : {}) });
    return { shownHead, chooser, notes, show: (r: AttentionRun) => (latest = r) };
  }

  it('moves every view to the run\'s strongest head, saying why', async function () {
    const { shownHead, chooser, notes, show } = setup();
    const first = show(run(1));
    assert.deepEqual(await chooser.onRun(first), { layer: 1, head: 1, pattern: 'previous', score: scores[3 * perHead] });
    assert.deepEqual(shownHead.selector, { layer: 1, head: 1 });
    assert.match(notes[0] ?? '', /^Opened on layer 1 · head 1, the strongest previous-token head of this run \(score 0\.80\)/);
  });

  it('says it in the words it is given (the extension passes its translation)', async function () {
    const { chooser, notes, show } = setup('mostInformativeHead', (head) => `L${head.layer}H${head.head} ${head.pattern}`);
    await chooser.onRun(show(run(6)));
    assert.deepEqual(notes, ['L1H1 previous']);
  });

  it('keeps a head the user picked, for every later run', async function () {
    const { shownHead, chooser, show } = setup();
    shownHead.set({ layer: 0, head: 1 }, 'panel');
    assert.equal(await chooser.onRun(show(run(2))), undefined);
    assert.deepEqual(shownHead.selector, { layer: 0, head: 1 });
    assert.equal(chooser.choosing, false);
  });

  it('keeps the chosen head when the setting says so, and drops scores of a run no longer shown', async function () {
    const fixed = setup('chosenHead');
    assert.equal(await fixed.chooser.onRun(fixed.show(run(3))), undefined);
    assert.deepEqual(fixed.shownHead.selector, { layer: 0, head: 0 });
    const moved = setup();
    const older = moved.show(run(4));
    moved.show(run(5));
    assert.equal(await moved.chooser.onRun(older), undefined, 'a newer run is shown');
    assert.deepEqual(moved.shownHead.selector, { layer: 0, head: 0 });
  });
});
