/**
 * Memory of this process and of a worker process beside it (the native engine runs in one), as
 * the operating system counts it: resident set size in bytes. The worker's peak is its `VmHWM`
 * ("high water mark", proc(5)), which the kernel keeps for the process's whole life; the host's is
 * sampled every 20 ms. Linux only (/proc); elsewhere the worker's figures are undefined.
 */
import { readFileSync } from 'node:fs';

/** `VmRSS` and `VmHWM` of process `pid` in bytes, or undefined where /proc cannot tell. */
export function processRss(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kib('VmRSS');
    const peak = kib('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(peak) ? { rss: rss * 1024, peak: peak * 1024 } : undefined;
  } catch {
    return undefined;
  }
}

/** Samples this process's RSS (and its heap outside V8, where tensors live) until stopped; returns the peaks in bytes. */
export function memorySampler(): { stop: () => { rss: number; external: number } } {
  let rss = 0;
  let external = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    external = Math.max(external, m.external + m.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { rss, external };
    },
  };
}
