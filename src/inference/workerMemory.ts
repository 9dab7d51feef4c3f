/**
 * How a worker *process* sets glibc's malloc for the model it will load. By default glibc serves a
 * block from its heap, not from a mapping of its own, once a block of that size was freed (its mmap
 * threshold rises to the largest block freed, up to 32 MiB); memory freed at the top of the heap
 * goes back to the system, and memory freed inside it stays in the process. Measured with
 * onnxruntime-node 1.30 on this repository's bench models (BENCHMARKS.md), two effects pull
 * opposite ways:
 * - **Loading a large model.** onnxruntime frees the model's protobuf copy of each weight after
 *   building its own, so with glibc's default those weights stayed resident twice. A fixed
 *   threshold of 1 MiB keeps every large block in its own mapping, returned on free: BERT-base
 *   size (437 MB of weights), RSS after load 975–1000 → 592 MB, peak over four 512-token runs
 *   1589–1619 → 1214–1227 MB.
 * - **Every run.** A run's output buffers are allocated afresh each run, and freed once handed
 *   over (the worker collects after each run, worker.ts). Where that memory went back to the system
 *   (its own mapping, or the top of the heap trimmed), the next run faults its pages in again. The
 *   bundled model at 512 tokens (16 MiB of attention, 8 MiB of q/k/v/o) in the extension's worker
 *   process, one thread, interleaved: 31.9–33.5 ms a run with the 1 MiB threshold, 22.4–24.4 ms
 *   with the small-model setting below. BERT-base size pays 3–5% at one thread, 20–30% at two.
 * So a model of LARGE_MODEL_BYTES or more gets the fixed 1 MiB threshold ('large-model'): the
 * saving is about the weights' size. A smaller one ('small-model') gets blocks under 32 MiB from
 * the heap from the first run on and keeps up to 256 MiB of freed heap for the next run: it holds
 * about one run's buffers between runs, and blocks of 32 MiB or more (a long run's attention) still
 * go back to the system when freed. Other C libraries ignore these variables. Where the user set
 * either variable, the worker inherits the user's settings instead.
 */
import { statSync } from 'node:fs';
import { modelFiles } from './modelFolder';
import type { ModelLocation } from './workerProtocol';

/** The malloc setting a worker process starts with (see the header). */
export type WorkerMemory = 'large-model' | 'small-model';

/** Bytes of weights from which the fixed mmap threshold pays for itself (see the header): the
 *  saving is about the weights' size, the price is per run and the same for any model size. */
export const LARGE_MODEL_BYTES = 64 * 1024 ** 2;

/** The fixed threshold for a large model, in bytes. */
const LARGE_MODEL_MMAP_THRESHOLD = 1024 ** 2;
/** A small model's settings: blocks under 32 MiB (glibc's largest threshold) from the heap from
 *  the first run on, and freed heap kept for the next run unless 256 MiB of it is free at the top. */
const SMALL_MODEL_MMAP_THRESHOLD = 32 * 1024 ** 2;
const SMALL_MODEL_TRIM_THRESHOLD = 256 * 1024 ** 2;

/**
 * The variables a worker process for `memory` gets added to its environment: none off Linux
 * (other C libraries ignore them; musl too, harmlessly), and none where the environment it inherits
 * (`userEnv`) already sets glibc's malloc (either variable, or `glibc.malloc.*` in GLIBC_TUNABLES).
 */
export function workerMallocEnv(memory: WorkerMemory, userEnv: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Record<string, string> {
  if (platform !== 'linux') return {};
  if (userEnv.MALLOC_MMAP_THRESHOLD_ !== undefined || userEnv.MALLOC_TRIM_THRESHOLD_ !== undefined || userEnv.GLIBC_TUNABLES?.includes('glibc.malloc.')) return {};
  if (memory === 'large-model') return { MALLOC_MMAP_THRESHOLD_: String(LARGE_MODEL_MMAP_THRESHOLD) };
  return { MALLOC_MMAP_THRESHOLD_: String(SMALL_MODEL_MMAP_THRESHOLD), MALLOC_TRIM_THRESHOLD_: String(SMALL_MODEL_TRIM_THRESHOLD) };
}

/** Suffixes exporters give a model's external data file (`model.onnx.data`, `model.onnx_data`). */
const EXTERNAL_DATA_SUFFIXES = ['.data', '_data'];

/**
 * Which setting the model at `location` needs, from the sizes on disk of its model file and of an
 * external data file named as exporters name it (EXTERNAL_DATA_SUFFIXES). External data named
 * otherwise is not counted, and such a model gets the small-model setting: it runs as fast, and
 * holds more memory after its load. Synchronous: at most three `stat` calls, on the extension host.
 */
export function workerMemoryFor(location: ModelLocation): WorkerMemory {
  return modelBytesOnDisk(modelFiles(location).model) >= LARGE_MODEL_BYTES ? 'large-model' : 'small-model';
}

/** Bytes of `modelFile` and its external data file (see workerMemoryFor); 0 for a file that cannot
 *  be read (the worker's load reports it). */
export function modelBytesOnDisk(modelFile: string): number {
  return [modelFile, ...EXTERNAL_DATA_SUFFIXES.map((suffix) => modelFile + suffix)].reduce((sum, file) => {
    try {
      const stats = statSync(file);
      return stats.isFile() ? sum + stats.size : sum;
    } catch {
      return sum;
    }
  }, 0);
}
