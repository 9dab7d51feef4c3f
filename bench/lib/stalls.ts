/** How long the main thread is held while some work runs: the measure behind the bench's stall rows. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Stalls {
  /** Longest gap between 1 ms timer ticks, minus the 1 ms (ms). */
  readonly maxGap: number;
  /** Node's event-loop delay histogram over the same time: its max and 99th percentile (ms). */
  readonly histMax: number;
  readonly p99: number;
  /** Duration of `work` (ms). */
  readonly ms: number;
}

/** Runs `work` while a 1 ms timer and the event-loop delay histogram watch the main thread. */
export async function measureStalls(work: () => Promise<void>): Promise<Stalls> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 1);
    last = now;
  }, 1);
  histogram.enable();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  // Work on the main thread may chain through microtasks only: let the timer see the gap.
  await new Promise((r) => setTimeout(r, 5));
  histogram.disable();
  clearInterval(timer);
  return { maxGap, histMax: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, ms };
}
