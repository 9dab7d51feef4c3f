/**
 * Where the extension host keeps long runs on disk (attention/storedLayers.ts): a folder of its
 * own (processFolder.ts: named after the host's pid, so one left by a killed host is removed by
 * the next), in the system's temporary folder when that is on disk, else under the user's cache
 * folder. Not in memory: a temporary folder on tmpfs (Linux's /dev/shm, a /tmp mounted as tmpfs
 * as on Debian 13 and Fedora) would hold the run in memory, which is what keeping it in a file
 * exists to avoid.
 */
import { mkdirSync, rmSync, statfsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processFolder } from './processFolder';

/** Runs whose attention is at least this many bytes are kept on disk (256 MiB: 12 x 12 heads at about 680 tokens). */
export const STORED_FROM_BYTES = 256 * 1024 ** 2;

/** statfs f_type of file systems that live in memory (linux/magic.h). */
const MEMORY_FILE_SYSTEMS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);

/** Whether `path` is on a file system in memory (false where the platform cannot tell). */
export function inMemoryFileSystem(path: string): boolean {
  try {
    return MEMORY_FILE_SYSTEMS.has(statfsSync(path).type);
  } catch {
    return false;
  }
}

/** Bytes free for this user on the file system of `path` (Infinity where the platform cannot tell). */
export function freeDiskBytes(path: string): number {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return Infinity;
  }
}

/**
 * Makes this process's folder for runs kept on disk.
 * @throws the file system's Error when neither candidate folder can be written.
 */
export function makeStoreFolder(): string {
  const temporary = tmpdir();
  const base = inMemoryFileSystem(temporary) ? join(homedir(), '.cache', 'attention-lens') : temporary;
  mkdirSync(base, { recursive: true });
  return processFolder(base, 'attention-lens-runs-');
}

/** Removes a folder made by makeStoreFolder, and every run in it. Never throws. */
export function removeStoreFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch {
    // A file still open elsewhere (Windows): the next host removes the folder (processFolder.ts).
  }
}
