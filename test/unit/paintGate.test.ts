import * as assert from 'node:assert/strict';
import { PaintGate } from '../../src/views/paintGate';

/** Whether `promise` has settled after the pending microtasks and timers of `ms` have run. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

describe('PaintGate: the shading of a run waits for the panel to paint it', () => {
  it('nothing waits when no panel is visible', () => {
    const gate = new PaintGate(() => false, 10_000);
    assert.equal(gate.wait(1), undefined);
  });

  it('a visible panel holds the run until its paint report, and no longer', async () => {
    const gate = new PaintGate(() => true, 10_000);
    const wait = gate.wait(7);
    assert.ok(wait);
    assert.equal(gate.wait(7), wait, 'one wait per run');
    assert.equal(await settledWithin(wait, 20), false);
    gate.markPainted(6);
    assert.equal(await settledWithin(wait, 20), false, 'another run painted');
    gate.markPainted(7);
    assert.equal(await settledWithin(wait, 0), true);
    assert.equal(gate.wait(7), undefined, 'a painted run does not wait again');
  });

  it('a paint report that comes first lets the run through at once', () => {
    const gate = new PaintGate(() => true, 10_000);
    gate.markPainted(3);
    assert.equal(gate.wait(3), undefined);
  });

  it('a panel that never paints holds the run for the wait only', async () => {
    const gate = new PaintGate(() => true, 30);
    const wait = gate.wait(1)!;
    assert.equal(await settledWithin(wait, 5), false);
    assert.equal(await settledWithin(wait, 60), true);
  });

  it('a panel closed or hidden during the wait ends it', async () => {
    let visible = true;
    const gate = new PaintGate(() => visible, 10_000);
    const wait = gate.wait(4)!;
    assert.equal(await settledWithin(wait, 80), false);
    visible = false;
    assert.equal(await settledWithin(wait, 120), true);
  });

  it('dispose lets every waiter go', async () => {
    const gate = new PaintGate(() => true, 10_000);
    const waits = [gate.wait(1)!, gate.wait(2)!];
    gate.dispose();
    for (const wait of waits) assert.equal(await settledWithin(wait, 0), true);
  });
});
