import { AttentionFileError } from './attentionFileError';

/**
 * Every Float32Array the reader allocates comes from here. The whole amount is planned (and
 * refused when over the limit) before the first allocation, so a file that is too large costs
 * nothing; each allocation is checked again against what was planned.
 */
export class DecodeBudget {
  private planned = 0;
  private allocated = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onAllocate: ((bytes: number) => void) | undefined,
  ) {}

  /** Reserves `bytes`; throws 'too-large' when the total would pass the limit. */
  plan(bytes: number, what: string): void {
    if (!Number.isFinite(bytes) || this.planned + bytes > this.maxBytes) {
      throw new AttentionFileError(
        'too-large',
        `${what} would need ${formatBytes(this.planned + bytes)} of memory, more than the limit of ${formatBytes(this.maxBytes)}. Save fewer layers or tokens, or float32 tensors (read without a copy).`,
      );
    }
    this.planned += bytes;
  }

  /** A zeroed Float32Array of `length` elements, within what was planned. */
  float32(length: number): Float32Array {
    const bytes = length * 4;
    if (this.allocated + bytes > this.planned) throw new Error(`DecodeBudget: allocation of ${bytes} bytes was not planned`);
    this.allocated += bytes;
    this.onAllocate?.(bytes);
    return new Float32Array(length);
  }
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unbounded amount';
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
