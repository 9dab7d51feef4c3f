/**
 * The exact float32 weights behind the numbers a view shows (the strongest keys, the matrix
 * read-out, the side view's focus line, exported figures). Matrices arrive compact, for drawing
 * only (src/shared/compactMatrix.ts); whatever the user reads is asked of the host with a
 * RequestWeights, which computes it from the model's float32 matrix. Replies are kept per run
 * (a small cache: hovering back over a token asks nothing), dropped when the run changes.
 */
import { MessageType, floatsFromBuffer, type HeadSelector, type RequestWeightsMessage, type ViewReplies } from '../src/shared/protocol';

/** What to read: as RequestWeightsMessage, without the ids. */
export type WeightsQuery = Omit<RequestWeightsMessage, 'type' | 'requestId' | 'runId'>;

/** The part of HostChannel this needs. */
export interface WeightsHost {
  request(
    kind: string,
    build: (requestId: number) => RequestWeightsMessage,
  ): Promise<ViewReplies[MessageType.RequestWeights] | undefined>;
}

/** Replies kept per run; each is T floats (8 KiB at 2,048 tokens). */
const CACHED = 64;

export class ExactWeights {
  private runId: number | undefined;
  private readonly cache = new Map<string, Float32Array>();

  constructor(private readonly host: WeightsHost) {}

  /** The weights if already here, else undefined (then `read`). */
  peek(runId: number, query: WeightsQuery): Float32Array | undefined {
    return this.runId === runId ? this.cache.get(keyOf(query)) : undefined;
  }

  /**
   * Asks the host for `query` on run `runId` under request kind `kind` (a newer request of the
   * same kind supersedes it: resolves undefined). Float32 [T], or undefined when the host had no
   * answer (another run, out of range) or the request was superseded.
   */
  async read(kind: string, runId: number, size: number, query: WeightsQuery): Promise<Float32Array | undefined> {
    const cached = this.peek(runId, query);
    if (cached) return cached;
    const reply = await this.host.request(kind, (requestId) => ({ type: MessageType.RequestWeights, requestId, runId, ...query }));
    const weights = reply && reply.runId === runId ? floatsFromBuffer(reply.data, size) : undefined;
    if (!weights) return undefined;
    if (this.runId !== runId) {
      this.runId = runId;
      this.cache.clear();
    }
    if (this.cache.size >= CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(keyOf(query), weights);
    return weights;
  }
}

function keyOf(query: WeightsQuery): string {
  const { selector, rollout, indices, direction, mode, sinks } = query;
  return JSON.stringify([selector.layer, selector.head, rollout, direction, mode, sinks.first, sinks.special, indices]);
}

/** The query for one row of the drawn matrix (what query `row` attends to, sinks as drawn). */
export function rowQuery(selector: HeadSelector, rollout: boolean, row: number, sinks: WeightsQuery['sinks']): WeightsQuery {
  return { selector, rollout, indices: [row], direction: 'to', mode: 'sum', sinks };
}
