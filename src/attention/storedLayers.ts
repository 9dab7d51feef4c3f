/**
 * A long run's attention kept on disk instead of in the extension host's memory: one file per
 * layer as the worker process wrote it (inference/fileHandover.ts writeLayerHandover: the layer's
 * [heads, T, T] float32 weights, then its q, k, v, o [heads, T, d_k] when the model exports
 * them), read on demand. One head's matrix is a read of T² floats (16 MB at 2048 tokens, a few
 * ms from the page cache); a view that needs every layer reads them one at a time. What is read
 * is the model's float32, byte for byte, so every number a view shows stays exact.
 *
 * Why files and not memory: 12 layers x 12 heads at 2048 tokens is 2.4 GB of float32, more than
 * the 2 GB a run of that size may take beside the model (BENCHMARKS.md, `long`). Held in a folder
 * on disk (storeFolder.ts), they are memory only while the page cache keeps them, which the
 * kernel gives back under pressure.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import type { AttentionLayers } from '../shared/attentionLayers';
import type { QkvVectors } from '../shared/queryMath';
import { IO_CHUNK_BYTES } from '../inference/fileHandover';
import type { StoredAttention } from '../inference/runTypes';

export type { StoredAttention } from '../inference/runTypes';

/**
 * `floats` float32 values from `file` starting at byte `offset`, in a new array.
 * @throws the file system's Error when the file is gone (the run was replaced and its files
 *   removed) or shorter than asked.
 */
function readFloats(file: string, offset: number, floats: number): Float32Array {
  const out = new Float32Array(floats);
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(file, 'r');
  try {
    for (let read = 0; read < bytes.length; ) {
      const n = readSync(fd, bytes, read, Math.min(IO_CHUNK_BYTES, bytes.length - read), offset + read);
      if (n === 0) throw new Error(`${file} ended after ${offset + read} bytes`);
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The attention of `store`, read from its files on demand (see the header). */
export function storedLayers(store: StoredAttention): AttentionLayers {
  const { files, heads, size } = store;
  const cells = size * size;
  return {
    length: files.length,
    heads,
    size,
    layer: (index) => (index >= 0 && index < files.length ? readFloats(files[index]!, 0, heads * cells) : undefined),
    head: (index, head) => (index >= 0 && index < files.length && head >= 0 && head < heads ? readFloats(files[index]!, head * cells * 4, cells) : undefined),
  };
}

/**
 * The q/k/v/o vectors of `store`, per layer, each read from its file when a property is read
 * ([heads, T, d_k] float32, 6 MB for 12 heads of 64 at 2048 tokens): undefined when the files hold none.
 */
export function storedVectors(store: StoredAttention): QkvVectors[] | undefined {
  const { files, heads, size, headDim } = store;
  if (headDim === undefined) return undefined;
  const attentionBytes = heads * size * size * 4;
  const floats = heads * size * headDim;
  const part = (file: string, index: number) => () => readFloats(file, attentionBytes + index * floats * 4, floats);
  return files.map((file) => {
    const [q, k, v, o] = [0, 1, 2, 3].map((i) => part(file, i));
    return {
      headDim,
      get q() {
        return q!();
      },
      get k() {
        return k!();
      },
      get v() {
        return v!();
      },
      get o() {
        return o!();
      },
    };
  });
}

/** Deletes a stored run's files (the run was replaced or closed). Never throws: a file already
 *  gone, or still open elsewhere (Windows), is left to the folder's removal (storeFolder.ts). */
export function removeStoredAttention(store: StoredAttention): void {
  for (const file of store.files) {
    try {
      rmSync(file, { force: true });
    } catch {
      // See above.
    }
  }
}
