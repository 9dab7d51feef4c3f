/**
 * A run's tensors handed from a worker *process* to the host through one file instead of its IPC
 * channel. The channel serialises every Float32Array into the message and the host parses it back
 * (about 80 ms for the ~20 MB of a 4 x 4-head run at 512 tokens, measured under load); a file is
 * written with one copy and read straight into shared memory, so the view worker still gets the
 * run without another copy. A worker thread needs none of this: it hands over shared memory.
 *
 * The file lives in a folder private to the worker process (mkdtemp, mode 0700), in /dev/shm where
 * there is one (memory, on Linux), else the system's temporary folder. The host deletes each file
 * once read, and the folder when the process ends (the worker removes it itself on a normal exit;
 * a folder left by a process killed with its host is removed by the next worker).
 */
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { processFolder } from './processFolder';
import type { InferenceOutput, LayerVectors } from './runTypes';

/** Where a run's tensors are: the file, and how many floats each tensor holds, in handover order. */
export interface Handover {
  readonly path: string;
  /** Floats per tensor: attention per layer, then q, k, v, o per layer when there are vectors. */
  readonly lengths: readonly number[];
}

const EMPTY = new Float32Array(0);

/**
 * Bytes one read or write call moves at most: Node's fs calls take a 32-bit length, so a run whose
 * tensors pass 2 GiB (12 layers x 12 heads at 2048 tokens is 2.4 GB) is moved in pieces.
 */
export const IO_CHUNK_BYTES = 256 * 1024 ** 2;

function tensorsOf(output: InferenceOutput): Float32Array[] {
  return [...output.attention, ...(output.vectors ?? []).flatMap((v) => [v.q, v.k, v.v, v.o])];
}

/**
 * A private folder for one worker process's handover files, named after the process. Folders of
 * processes that no longer run (killed with their host, leaving no one to clean up) are removed.
 */
export function handoverFolder(): string {
  const base = existsSync('/dev/shm') && statSync('/dev/shm').isDirectory() ? '/dev/shm' : tmpdir();
  return processFolder(base, 'attention-lens-');
}

/**
 * Writes `output`'s tensors to a new file in `folder` (worker side); returns the output with empty
 * arrays in their place, and where they went. `sequence` makes the file name unique.
 * @throws the file system's Error when the file cannot be written (the caller then sends the
 *   tensors over the channel instead).
 */
export function writeHandover(output: InferenceOutput, folder: string, sequence: number, chunkBytes = IO_CHUNK_BYTES): { output: InferenceOutput; handover: Handover } {
  const handover = writeTensors(join(folder, `run-${sequence}.f32`), tensorsOf(output), chunkBytes);
  const vectors = output.vectors?.map((v): LayerVectors => ({ q: EMPTY, k: EMPTY, v: EMPTY, o: EMPTY, headDim: v.headDim }));
  return { output: { ...output, attention: output.attention.map(() => EMPTY), vectors }, handover };
}

/**
 * Writes one layer of a run computed layer by layer (layeredSession.ts) to its own file in
 * `folder` (worker side): its attention, then its q, k, v, o when there are vectors. The host
 * reads each layer's file while the worker computes the next (InferenceClient), so that the files
 * waiting in memory are about one layer's, not the whole run's; or, for a run kept on disk, keeps
 * the file where it is (`folder` is then the host's storage folder: attention/storedLayers.ts).
 * @throws the file system's Error when the file cannot be written.
 */
export function writeLayerHandover(folder: string, sequence: number | string, layer: number, attention: Float32Array, vectors: LayerVectors | undefined, chunkBytes = IO_CHUNK_BYTES): Handover {
  return writeTensors(join(folder, `run-${sequence}-layer-${layer}.f32`), [attention, ...(vectors ? [vectors.q, vectors.k, vectors.v, vectors.o] : [])], chunkBytes);
}

function writeTensors(path: string, tensors: readonly Float32Array[], chunkBytes: number): Handover {
  const fd = openSync(path, 'wx', 0o600);
  try {
    for (const tensor of tensors) {
      const bytes = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, Math.min(chunkBytes, bytes.length - written));
    }
  } finally {
    closeSync(fd);
  }
  return { path, lengths: tensors.map((t) => t.length) };
}

/**
 * Reads the tensors of `handover` back into `output` (host side; see readTensors) and deletes
 * the file.
 * @returns a promise of the output, rejected with an Error when the file is missing, shorter
 *   than `lengths` say, or lists a number of tensors that does not fit the layers.
 */
export async function readHandover(output: InferenceOutput, handover: Handover, chunkBytes = IO_CHUNK_BYTES): Promise<InferenceOutput> {
  const tensors = await readTensors(handover, chunkBytes);
  const layers = output.attention.length;
  if (tensors.length !== layers + 4 * (output.vectors?.length ?? 0)) {
    throw new Error(`the run's file lists ${tensors.length} tensors for ${layers} layers`);
  }
  const vectors = output.vectors?.map((v, l): LayerVectors => {
    const [q, k, vv, o] = tensors.slice(layers + 4 * l, layers + 4 * l + 4);
    return { q: q!, k: k!, v: vv!, o: o!, headDim: v.headDim };
  });
  return { ...output, attention: tensors.slice(0, layers), vectors };
}

/**
 * `output` with each layer's tensors from its own file (writeLayerHandover), read already
 * (`layers[l]` as readTensors gave them: the attention, then q, k, v, o with vectors).
 * @throws Error when the files do not hold one attention tensor per layer (and four vectors each
 *   where the output has vectors).
 */
export function assembleLayers(output: InferenceOutput, layers: readonly (readonly Float32Array[])[]): InferenceOutput {
  const perLayer = output.vectors ? 5 : 1;
  if (layers.length !== output.attention.length || layers.some((t) => t.length !== perLayer)) {
    throw new Error(`the run's layer files hold ${layers.map((t) => t.length).join('/')} tensors for ${output.attention.length} layers`);
  }
  const vectors = output.vectors?.map((v, l): LayerVectors => {
    const [, q, k, vv, o] = layers[l]!;
    return { q: q!, k: k!, v: vv!, o: o!, headDim: v.headDim };
  });
  return { ...output, attention: layers.map((t) => t[0]!), vectors };
}

/**
 * Reads the tensors of `handover` (host side), in one SharedArrayBuffer where the runtime has
 * it, and deletes the file. The reads run on libuv's thread pool, not on the calling thread: a
 * run of the bundled model at 512 tokens is 24 MB, whose read (fresh pages faulted in as they
 * are written) took 10–30 ms, and on the extension host's thread that was the longest stall a
 * run caused (`event_loop_max_stall` in BENCHMARKS.md).
 * @returns a promise of the tensors, rejected with an Error when the file is missing or shorter
 *   than `lengths` say.
 */
export async function readTensors(handover: Handover, chunkBytes = IO_CHUNK_BYTES): Promise<Float32Array[]> {
  const total = handover.lengths.reduce((sum, n) => sum + n, 0) * Float32Array.BYTES_PER_ELEMENT;
  const shared = typeof SharedArrayBuffer !== 'undefined';
  const buffer = shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  const file = await open(handover.path, 'r');
  try {
    for (let read = 0; read < total; ) {
      const { bytesRead } = await file.read(bytes, read, Math.min(chunkBytes, total - read), read);
      if (bytesRead === 0) throw new Error(`the run's file ${handover.path} ended after ${read} of ${total} bytes`);
      read += bytesRead;
    }
  } finally {
    await file.close();
    // Already gone with its folder (the worker process ended): nothing left to delete.
    await unlink(handover.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  if (shared) weighForCollection(total);
  let offset = 0;
  return handover.lengths.map((length) => {
    const view = new Float32Array(buffer, offset, length);
    offset += length * Float32Array.BYTES_PER_ELEMENT;
    return view;
  });
}

/**
 * Makes `bytes` of SharedArrayBuffer count toward V8's decision to collect garbage. V8 weighs the
 * memory of ArrayBuffers in that decision but not of SharedArrayBuffers (shared between isolates),
 * so a host that reads each run into a new SharedArrayBuffer and allocates little else keeps the
 * dead runs' buffers for many runs: 549 MB of growth over 100 runs of the bundled model at 512
 * tokens (20 MB a run) in `npm run bench -- host`. An ArrayBuffer of the same size, dropped at
 * once, adds the missing weight. It is never written; a large zero-filled allocation usually gets
 * fresh pages from the operating system, which maps them only when touched (glibc may instead
 * reuse and zero heap memory for sizes under its mmap threshold, at most 32 MB). With it the same
 * 100 runs grow the host by 0.4 MB (BENCHMARKS.md). Only advisory: an allocation that fails is
 * ignored, and the run it follows stands.
 */
function weighForCollection(bytes: number): void {
  try {
    void new ArrayBuffer(bytes);
  } catch {
    // Out of address space or memory: the run is read already; collection just comes later.
  }
}

/** Removes the folder a handover file was in (the worker process that owned it has ended). */
export function removeHandoverFolder(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}
