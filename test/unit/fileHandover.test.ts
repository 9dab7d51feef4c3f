// A worker process's run handed over through a file: the tensors come back equal, in shared
// memory, the file is gone once read, and a damaged handover fails with a message.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { handoverFolder, readHandover, removeHandoverFolder, writeHandover } from '../../src/inference/fileHandover';
import type { InferenceOutput } from '../../src/inference/runTypes';

function output(withVectors: boolean): InferenceOutput {
  const floats = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i));
  return {
    tokens: [{ text: 'a', start: 0, end: 1, id: 1, special: false }],
    attention: [floats(2 * 9, 1), floats(2 * 9, 2)],
    vectors: withVectors ? [0, 1].map((l) => ({ q: floats(6, 10 + l), k: floats(6, 20 + l), v: floats(6, 30 + l), o: floats(6, 40 + l), headDim: 1 })) : undefined,
    truncated: false,
    tokenizeMs: 1,
    inferenceMs: 2,
  };
}

describe('file handover of a worker process run', () => {
  it('moves a run in pieces of any size (a run past 2 GiB must be: Node reads and writes at most 2 GiB a call)', async () => {
    const folder = handoverFolder();
    try {
      const original = output(true);
      // 5 bytes: pieces that split floats and tensors alike.
      const { output: sent, handover } = writeHandover(original, folder, 3, 5);
      const back = await readHandover(sent, handover, 5);
      assert.deepEqual(back.attention, original.attention);
      assert.deepEqual(back.vectors, original.vectors);
    } finally {
      removeHandoverFolder(`${folder}/x`);
    }
  });

  it('gives back every tensor, in shared memory, and deletes the file', async () => {
    const folder = handoverFolder();
    try {
      for (const withVectors of [false, true]) {
        const original = output(withVectors);
        const { output: sent, handover } = writeHandover(original, folder, withVectors ? 2 : 1);
        assert.ok(sent.attention.every((a) => a.length === 0), 'the message carries no tensor');
        const back = await readHandover(sent, handover);
        assert.deepEqual(back.attention, original.attention);
        assert.deepEqual(back.vectors, original.vectors);
        assert.ok(back.attention.every((a) => a.buffer instanceof SharedArrayBuffer));
        assert.equal(existsSync(handover.path), false, 'the file is deleted once read');
        assert.deepEqual(back.tokens, original.tokens);
      }
    } finally {
      removeHandoverFolder(`${folder}/x`);
    }
    assert.equal(existsSync(folder), false, 'the folder is removed');
  });

  it('reads off the calling thread: the event loop runs while a run is read', async () => {
    const folder = handoverFolder();
    try {
      const { output: sent, handover } = writeHandover(output(true), folder, 7);
      let turned = false;
      const reading = readHandover(sent, handover);
      setImmediate(() => (turned = true));
      await reading;
      // A synchronous read would have finished before the event loop's next turn.
      assert.equal(turned, true);
    } finally {
      removeHandoverFolder(`${folder}/x`);
    }
  });

  it('removes folders left by worker processes that no longer run, never a live one', () => {
    const live = handoverFolder();
    // A folder as a killed process (a pid that cannot exist) would have left it.
    const base = dirname(live);
    const left = join(base, 'attention-lens-999999999-test');
    mkdirSync(left);
    const next = handoverFolder();
    try {
      assert.equal(existsSync(left), false, 'the dead process\'s folder is removed');
      assert.equal(existsSync(live), true, 'this process\'s folder is kept');
    } finally {
      removeHandoverFolder(`${live}/x`);
      removeHandoverFolder(`${next}/x`);
      rmSync(left, { recursive: true, force: true });
    }
  });

  it('fails with a message for a cut file or a wrong tensor count', async () => {
    const folder = handoverFolder();
    try {
      const { output: sent, handover } = writeHandover(output(true), folder, 1);
      truncateSync(handover.path, 100);
      await assert.rejects(readHandover(sent, handover), /the run's file .* ended after 100 of \d+ bytes/);
      const again = writeHandover(output(true), folder, 2);
      await assert.rejects(readHandover({ ...again.output, vectors: undefined }, again.handover), /lists 10 tensors for 2 layers/);
      assert.equal(dirname(again.handover.path), folder);
    } finally {
      removeHandoverFolder(`${folder}/x`);
    }
  });
});
