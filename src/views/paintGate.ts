/**
 * Orders a new run's two pictures: the panel's heatmap first, the editor's shading after it.
 *
 * Both go to the workbench over the same channel, and in the remote (browser) workbench the
 * decorations of a run were measured to hold the panel's result message up: 42 ms from post to
 * webview with the shading off against about 100 ms with it on (512 tokens; BENCHMARKS.md). So
 * when the panel is visible, the shading of a run waits until the panel reports it painted, or
 * at most `PAINT_WAIT_MS`; with no visible panel, or for a run already painted, nothing waits, and
 * a panel closed or hidden during the wait ends it (checked every `VISIBILITY_CHECK_MS`).
 */

/** The longest the shading of a run waits for the panel's paint (ms). */
export const PAINT_WAIT_MS = 400;

/** How often a wait checks that the panel is still visible (ms). */
const VISIBILITY_CHECK_MS = 50;

/** Runs remembered as painted: a paint report can come before anyone asks. */
const REMEMBERED = 8;

export class PaintGate {
  private readonly painted: number[] = [];
  private readonly waiting = new Map<number, { readonly promise: Promise<void>; readonly resolve: () => void }>();

  /**
   * @param panelVisible whether a panel that will paint the run is on screen now
   * @param waitMs the longest wait (ms)
   */
  constructor(
    private readonly panelVisible: () => boolean,
    private readonly waitMs = PAINT_WAIT_MS,
  ) {}

  /** A promise that settles once run `runId` is painted (or after the wait), or undefined when
   *  nothing needs to wait for it. Never rejects. */
  wait(runId: number): Promise<void> | undefined {
    if (this.painted.includes(runId) || !this.panelVisible()) return undefined;
    const pending = this.waiting.get(runId);
    if (pending) return pending.promise;
    let resolve = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => this.markPainted(runId), this.waitMs);
    const check = setInterval(() => this.panelVisible() || this.markPainted(runId), VISIBILITY_CHECK_MS);
    this.waiting.set(runId, {
      promise,
      resolve: () => {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      },
    });
    return promise;
  }

  /** The panel painted run `runId` (or the wait for it ended). */
  markPainted(runId: number): void {
    if (!this.painted.includes(runId)) {
      this.painted.push(runId);
      if (this.painted.length > REMEMBERED) this.painted.shift();
    }
    this.waiting.get(runId)?.resolve();
    this.waiting.delete(runId);
  }

  /** Lets every waiter go (on dispose: nothing is left waiting on a timer). */
  dispose(): void {
    for (const runId of [...this.waiting.keys()]) this.markPainted(runId);
  }
}
