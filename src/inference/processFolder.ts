/**
 * Temporary folders owned by one process, named after its pid (`<prefix><pid>-XXXXXX`), so that a
 * folder left by a process that was killed (SIGKILL runs no clean-up: a worker process stopped by
 * its time limit or by Cancel, or killed for memory) is removed by the next process that makes
 * one with the same prefix.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes `base`'s folders named `<prefix><pid>-…` whose process no longer runs, then makes this
 * process's own (mkdtemp: mode 0700, a fresh name).
 * @returns the new folder's path.
 * @throws the file system's Error when `base` cannot be read or written.
 */
export function processFolder(base: string, prefix: string): string {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)-`);
  for (const name of readdirSync(base)) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(base, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(base, `${prefix}${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
