import * as assert from 'node:assert/strict';
import { PendingRequests, type LostReason } from '../../src/shared/pendingRequests';

/** Requests whose lost ones resolve with the reason, so tests can see why. */
function requests(): PendingRequests<string | LostReason> {
  return new PendingRequests<string | LostReason>((reason) => reason);
}

describe('PendingRequests', () => {
  it('gives each request a fresh id and resolves it with the reply carrying that id', async () => {
    const pending = requests();
    const sent: number[] = [];
    const a = pending.request((id) => sent.push(id));
    const b = pending.request((id) => sent.push(id));
    assert.equal(new Set(sent).size, 2);
    assert.equal(pending.size, 2);
    assert.equal(pending.settle(sent[1], 'b'), true);
    assert.equal(pending.settle(sent[0], 'a'), true);
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.equal(pending.size, 0);
  });

  it('ignores replies to unknown or already settled ids', async () => {
    const pending = requests();
    let id = 0;
    const a = pending.request((sent) => (id = sent));
    assert.equal(pending.settle(id + 100, 'stray'), false);
    assert.equal(pending.settle(id, 'first'), true);
    assert.equal(pending.settle(id, 'second'), false);
    assert.equal(await a, 'first');
  });

  it('latest wins within a group: an older request settles as superseded, its late reply is dropped', async () => {
    const pending = requests();
    const ids: number[] = [];
    const older = pending.request((id) => ids.push(id), { group: 'matrix' });
    const other = pending.request((id) => ids.push(id), { group: 'math' });
    const newer = pending.request((id) => ids.push(id), { group: 'matrix' });
    assert.deepEqual(await older, { kind: 'superseded' });
    assert.equal(pending.settle(ids[0], 'late'), false);
    pending.settle(ids[2], 'matrix reply');
    pending.settle(ids[1], 'math reply');
    assert.equal(await newer, 'matrix reply');
    assert.equal(await other, 'math reply');
  });

  it('supersede() drops a group without starting a request', async () => {
    const pending = requests();
    const a = pending.request(() => {}, { group: 'math' });
    pending.supersede('math');
    assert.deepEqual(await a, { kind: 'superseded' });
    assert.equal(pending.size, 0);
  });

  it('a request not answered in time settles as a timeout', async () => {
    const pending = requests();
    let id = 0;
    const a = pending.request((sent) => (id = sent), { timeoutMs: 1 });
    assert.deepEqual(await a, { kind: 'timeout', timeoutMs: 1 });
    assert.equal(pending.settle(id, 'too late'), false);
  });

  it('a request that cannot be sent settles as closed with the reason, and is not left pending', async () => {
    const pending = requests();
    const a = pending.request(() => {
      throw new Error('port closed');
    });
    assert.deepEqual(await a, { kind: 'closed', message: 'port closed' });
    assert.equal(pending.size, 0);
  });

  it('closeAll settles the requests it picks; an Error from onLost rejects', async () => {
    const pending = new PendingRequests<string>((reason) => new Error(reason.kind === 'closed' ? reason.message : reason.kind));
    const ids: number[] = [];
    const a = pending.request((id) => ids.push(id));
    const b = pending.request((id) => ids.push(id));
    pending.closeAll('worker 1 stopped', (id) => id === ids[0]);
    await assert.rejects(a, /worker 1 stopped/);
    assert.equal(pending.size, 1);
    pending.closeAll('shut down');
    await assert.rejects(b, /shut down/);
  });
});
