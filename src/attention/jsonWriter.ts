/**
 * Writes text pieces (resultJsonChunks) as UTF-8 in batches: pieces are gathered until about
 * `batchBytes` UTF-16 code units are pending, then encoded and handed to `sink` at once. What is
 * held at any time is one batch plus one piece, however long the whole text is.
 */

/** What a write held at most, to check that it stayed bounded. */
export interface WriteStats {
  /** UTF-8 bytes handed to the sink. */
  readonly bytes: number;
  /** Calls to the sink. */
  readonly writes: number;
  /** Most UTF-16 code units held between two sink calls. */
  readonly maxPendingUnits: number;
}

/** 1 Mi code units: few system calls, little memory. */
export const DEFAULT_BATCH_UNITS = 2 ** 20;

/** Encodes `pieces` to UTF-8 and passes them to `sink` in batches of about `batchUnits` code units. */
export function writePieces(pieces: Iterable<string>, sink: (bytes: Uint8Array) => void, batchUnits = DEFAULT_BATCH_UNITS): WriteStats {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let pendingUnits = 0;
  let maxPendingUnits = 0;
  let bytes = 0;
  let writes = 0;
  const flush = () => {
    if (pendingUnits === 0) return;
    const encoded = encoder.encode(pending.join(''));
    sink(encoded);
    bytes += encoded.byteLength;
    writes++;
    pending = [];
    pendingUnits = 0;
  };
  for (const piece of pieces) {
    pending.push(piece);
    pendingUnits += piece.length;
    maxPendingUnits = Math.max(maxPendingUnits, pendingUnits);
    if (pendingUnits >= batchUnits) flush();
  }
  flush();
  return { bytes, writes, maxPendingUnits };
}
