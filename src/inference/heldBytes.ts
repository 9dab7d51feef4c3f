/** A model's bytes on their way to onnxruntime, held by one owner at a time (see viewGraph.ts). */

/**
 * Bytes with one owner that can let go of them: `take()` hands them over and forgets them, so a
 * caller that holds the holder (e.g. across later awaits of an async function) no longer keeps
 * hundreds of MB alive.
 */
export class HeldBytes {
  private bytes: Uint8Array | undefined;
  /** Length in bytes, still known after `take()`. */
  readonly size: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.size = bytes.length;
  }

  /** @throws Error when taken before: a second owner would be a bug. */
  take(): Uint8Array {
    const bytes = this.bytes;
    if (!bytes) throw new Error('model bytes were already handed over');
    this.bytes = undefined;
    return bytes;
  }
}
