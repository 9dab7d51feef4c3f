/**
 * Answers the panel's view requests (rollout, head thumbnails with scores, query math) from a run
 * held in memory. Used by the extension host's panel and by the standalone HTML report. Results
 * that cost more than one pass over a layer (rollout, scores) are cached per run.
 * Pure: no editor or DOM access.
 */
import { headMatrix } from './attentionMath';
import { downsample, pooledSide } from './downsample';
import {
  MessageType,
  bufferOf,
  type RequestQueryMathMessage,
  type RequestRolloutMessage,
  type RequestThumbnailsMessage,
  type ShowMatrixMessage,
  type ShowQueryMathMessage,
  type ShowThumbnailsMessage,
} from './protocol';
import { hideColumns, sinkColumns } from './renormalize';
import { attentionRollout, multiply, residualAttention, isLowerTriangular } from './rollout';
import { headBadges } from './headBadges';
import { queryMath, type QkvVectors } from './queryMath';

export interface HeldRun {
  readonly runId: number;
  readonly tokens: readonly { readonly text: string; readonly id: number; readonly special: boolean }[];
  /** Per layer, [head][query][key]. */
  readonly attention: readonly Float32Array[];
  /** Per layer, when the model exports q/k/v/o. */
  readonly vectors: readonly QkvVectors[] | undefined;
  readonly causal: boolean;
}

const rollouts = new WeakMap<readonly Float32Array[], Float32Array[]>();
const scores = new WeakMap<readonly Float32Array[], Float32Array>();

/** Rollout through layers 0..layer, computing (and caching) only the layers not yet done. */
export function rolloutFor(run: HeldRun, layer: number): Float32Array | undefined {
  if (layer < 0 || layer >= run.attention.length) return undefined;
  const size = run.tokens.length;
  let done = rollouts.get(run.attention);
  if (!done) {
    done = attentionRollout(run.attention, size, 0);
    rollouts.set(run.attention, done);
  }
  for (let l = done.length; l <= layer; l++) {
    const mixed = residualAttention(run.attention[l], size);
    const lower = isLowerTriangular(mixed, size) && isLowerTriangular(done[l - 1], size);
    done.push(multiply(mixed, done[l - 1], size, lower));
  }
  return done[layer];
}

/** Head scores of a run (cached): Float32 [layer][head][score]. */
export function scoresFor(run: HeldRun): Float32Array {
  let out = scores.get(run.attention);
  if (!out) {
    out = headBadges(run.attention, run.tokens);
    scores.set(run.attention, out);
  }
  return out;
}

export function answerRollout(run: HeldRun, request: RequestRolloutMessage): ShowMatrixMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const matrix = rolloutFor(run, request.layer);
  if (!matrix) return undefined;
  return {
    type: MessageType.ShowMatrix,
    requestId: request.requestId,
    runId: run.runId,
    selector: { layer: request.layer, head: 'mean' },
    size: run.tokens.length,
    data: bufferOf(matrix),
    aggregate: 'rollout',
  };
}

export function answerThumbnails(run: HeldRun, request: RequestThumbnailsMessage): ShowThumbnailsMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const size = run.tokens.length;
  const cells = size * size;
  const heads = cells === 0 ? 0 : Math.round((run.attention[0]?.length ?? 0) / cells);
  const side = pooledSide(size, request.side);
  const data = new Float32Array(run.attention.length * heads * side * side);
  const hidden = sinkColumns(run.tokens, request.sinks);
  run.attention.forEach((layer, l) => {
    for (let h = 0; h < heads; h++) {
      const matrix = hideColumns(headMatrix(layer, size, h), size, hidden);
      downsample(matrix, size, side, request.pool, data.subarray((l * heads + h) * side * side, (l * heads + h + 1) * side * side));
    }
  });
  return {
    type: MessageType.ShowThumbnails,
    requestId: request.requestId,
    runId: run.runId,
    layers: run.attention.length,
    heads,
    side,
    pool: request.pool,
    data: data.buffer as ArrayBuffer,
    scores: bufferOf(scoresFor(run)),
  };
}

const EMPTY = new ArrayBuffer(0);

export function answerQueryMath(run: HeldRun, request: RequestQueryMathMessage): ShowQueryMathMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const size = run.tokens.length;
  const layer = run.attention[request.layer];
  const heads = size === 0 || !layer ? 0 : Math.round(layer.length / (size * size));
  if (!layer || request.head >= heads || request.query >= size) return undefined;
  const base = {
    type: MessageType.ShowQueryMath,
    requestId: request.requestId,
    runId: run.runId,
    layer: request.layer,
    head: request.head,
    query: request.query,
    size,
    causal: run.causal,
  } as const;
  const vectors = run.vectors?.[request.layer];
  if (!vectors) {
    return {
      ...base,
      available: false,
      reason: 'This model does not export Q/K/V vectors (q/k/v/o outputs per layer), so the math of a query cannot be shown with its own numbers.',
      headDim: 0,
      q: EMPTY, k: EMPTY, v: EMPTY, scores: EMPTY, weights: EMPTY, recomputed: EMPTY, o: EMPTY, recomputedO: EMPTY,
      maxWeightDiff: NaN,
      maxOutputDiff: NaN,
    };
  }
  const math = queryMath(vectors, layer, size, request.head, request.query, run.causal);
  return {
    ...base,
    available: true,
    reason: '',
    headDim: math.headDim,
    q: math.q.buffer as ArrayBuffer,
    k: math.k.buffer as ArrayBuffer,
    v: math.v.buffer as ArrayBuffer,
    scores: math.scores.buffer as ArrayBuffer,
    weights: math.weights.buffer as ArrayBuffer,
    recomputed: math.recomputed.buffer as ArrayBuffer,
    o: math.o.buffer as ArrayBuffer,
    recomputedO: math.recomputedO.buffer as ArrayBuffer,
    maxWeightDiff: math.maxWeightDiff,
    maxOutputDiff: math.maxOutputDiff,
  };
}

export type ViewRequest = RequestRolloutMessage | RequestThumbnailsMessage | RequestQueryMathMessage;

/** Answers any view request; the panel and the HTML report dispatch through here. */
export function answerViewRequest(run: HeldRun, request: ViewRequest): ShowMatrixMessage | ShowThumbnailsMessage | ShowQueryMathMessage | undefined {
  switch (request.type) {
    case MessageType.RequestRollout:
      return answerRollout(run, request);
    case MessageType.RequestThumbnails:
      return answerThumbnails(run, request);
    case MessageType.RequestQueryMath:
      return answerQueryMath(run, request);
  }
}
