// The malloc setting a native worker process starts with: chosen from the model's size on disk.
import * as assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LARGE_MODEL_BYTES, modelBytesOnDisk, workerMallocEnv, workerMemoryFor } from '../../src/inference/workerMemory';

/** A sparse file of `bytes` bytes (no disk blocks written). */
function sparseFile(file: string, bytes: number): void {
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

describe('worker memory (glibc malloc setting per model size)', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-memory-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('a large model gets the fixed 1 MiB threshold, a small one the heap kept between runs, and a value the user set wins', () => {
    assert.deepEqual(workerMallocEnv('large-model', {}, 'linux'), { MALLOC_MMAP_THRESHOLD_: '1048576' });
    assert.deepEqual(workerMallocEnv('small-model', {}, 'linux'), { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '268435456' });
    assert.deepEqual(workerMallocEnv('large-model', { MALLOC_MMAP_THRESHOLD_: '33554432' }, 'linux'), {});
    assert.deepEqual(workerMallocEnv('small-model', { MALLOC_TRIM_THRESHOLD_: '0' }, 'linux'), {});
    assert.deepEqual(workerMallocEnv('small-model', { MALLOC_ARENA_MAX: '2' }, 'linux'), workerMallocEnv('small-model', {}, 'linux'), 'other malloc variables do not count');
    assert.deepEqual(workerMallocEnv('large-model', { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }, 'linux'), {});
  });

  it('adds nothing off Linux, where other C libraries ignore the variables', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      assert.deepEqual(workerMallocEnv('large-model', {}, platform), {});
      assert.deepEqual(workerMallocEnv('small-model', {}, platform), {});
    }
  });

  it('counts the model file and its external data as exporters name it, nothing else', () => {
    const model = path.join(folder, 'model.onnx');
    writeFileSync(model, new Uint8Array(1000));
    assert.equal(modelBytesOnDisk(model), 1000);
    assert.equal(workerMemoryFor({ folder, threads: 1 }), 'small-model');
    sparseFile(path.join(folder, 'model.onnx_data'), LARGE_MODEL_BYTES);
    assert.equal(modelBytesOnDisk(model), 1000 + LARGE_MODEL_BYTES);
    assert.equal(workerMemoryFor({ folder, threads: 1 }), 'large-model');
    rmSync(path.join(folder, 'model.onnx_data'));
    sparseFile(path.join(folder, 'model.onnx.data'), LARGE_MODEL_BYTES - 1000);
    assert.equal(workerMemoryFor({ folder, threads: 1 }), 'large-model', 'exactly the limit');
    rmSync(path.join(folder, 'model.onnx.data'));
    // Named otherwise: not counted (the header says what that costs).
    sparseFile(path.join(folder, 'weights.bin'), LARGE_MODEL_BYTES);
    assert.equal(workerMemoryFor({ folder, threads: 1 }), 'small-model');
  });

  it('a model file picked by path counts its own size; a missing one counts 0', () => {
    const model = path.join(folder, 'big.onnx');
    sparseFile(model, LARGE_MODEL_BYTES + 1);
    assert.equal(workerMemoryFor({ folder, threads: 1, modelFile: model }), 'large-model');
    assert.equal(modelBytesOnDisk(path.join(folder, 'missing.onnx')), 0);
    assert.equal(workerMemoryFor({ folder: path.join(folder, 'nowhere'), threads: 1 }), 'small-model');
  });
});
