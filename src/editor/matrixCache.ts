/** The last few T x T matrices the editor views asked for, so moving the cursor or hovering does
 *  not re-aggregate heads each time. Entries of older runs fall out as new ones come in. */
import { matrixFor, type AttentionRun } from '../attention/attentionRun';
import type { HeadSelector } from '../shared/protocol';

const CAPACITY = 4;

export class MatrixCache {
  private readonly entries = new Map<string, Float32Array>();

  /** The matrix for a selector when it is cached; computes nothing. */
  peek(run: AttentionRun, selector: HeadSelector): Float32Array | undefined {
    return this.entries.get(`${run.runId}:${selector.layer}:${selector.head}`);
  }

  /** The matrix a selector names for a run; undefined when the selector is outside its shape. */
  get(run: AttentionRun, selector: HeadSelector): Float32Array | undefined {
    const key = `${run.runId}:${selector.layer}:${selector.head}`;
    let matrix = this.entries.get(key);
    if (matrix) {
      this.entries.delete(key);
    } else {
      matrix = matrixFor(run, selector);
      if (!matrix) return undefined;
    }
    this.entries.set(key, matrix);
    while (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value as string);
    return matrix;
  }
}
