/**
 * Answers every data request of a view (a matrix, the rollout, head thumbnails with scores, the
 * math of one query) from a run held in memory. The extension host's view backend (the panel and
 * the side view) and the standalone HTML report both answer through here, so the layer, head and
 * token of a request are checked against the run in this one place. Results that cost more than
 * one pass over a layer (rollout, scores) are cached per run. Pure: no editor or DOM access.
 */
import { selectedMatrix } from './attentionMath';
import type { AttentionLayers } from './attentionLayers';
import { downsample, pooledSide } from './downsample';
import {
  MessageType,
  NO_VECTORS_REASON,
  bufferOf,
  matrixPayload,
  type HeadSelector,
  type RequestMatrixMessage,
  type RequestWeightsMessage,
  type ShowWeightsMessage,
  type RequestQueryMathMessage,
  type RequestRolloutMessage,
  type RequestThumbnailsMessage,
  type ShowMatrixMessage,
  type ShowQueryMathMessage,
  type ShowThumbnailsMessage,
  type ViewReply,
  type ViewRequest,
} from './protocol';
import { focusRowWeights, focusWeights, hideColumns, sinkColumns } from './renormalize';
import { attentionRollout, multiply, residualAttention, isLowerTriangular } from './rollout';
import { headBadges } from './headBadges';
import { queryMath, type QkvVectors } from './queryMath';

/** What the answers need of a run: the host's runs and the report's embedded data both have it. */
export interface HeldRun {
  readonly runId: number;
  readonly tokens: readonly { readonly text: string; readonly id: number; readonly special: boolean }[];
  /** Per layer, [head][query][key]: in memory or read from files (attentionLayers.ts). */
  readonly attention: AttentionLayers;
  /** Per layer, when the model exports q/k/v/o. */
  readonly vectors: readonly QkvVectors[] | undefined;
  readonly causal: boolean;
}

const rollouts = new WeakMap<AttentionLayers, Float32Array[]>();
const scores = new WeakMap<AttentionLayers, Float32Array>();

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
    const mixed = residualAttention(run.attention.layer(l)!, size);
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

/** Finds the matrix a selector names; the host passes its cache, the report computes it. */
export type MatrixSource = (run: MatrixRun, selector: HeadSelector) => Float32Array | undefined;

/** What a matrix answer needs of a run. */
export type MatrixRun = Pick<HeldRun, 'runId' | 'tokens' | 'attention'>;

const computeMatrix: MatrixSource = (run, selector) => selectedMatrix(run.attention, run.tokens.length, selector);

/** The reply to a matrix request, or undefined when it names another run or a layer/head out of range. */
export function answerMatrix(run: MatrixRun, request: RequestMatrixMessage, matrices: MatrixSource = computeMatrix): ShowMatrixMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  return matrixReply(run, request.requestId, request.selector, matrices(run, request.selector), request.exact);
}

/** The reply to a rollout request: a ShowMatrix marked `aggregate: 'rollout'`. */
export function answerRollout(run: HeldRun, request: RequestRolloutMessage): ShowMatrixMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const reply = matrixReply(run, request.requestId, { layer: request.layer, head: 'mean' }, rolloutFor(run, request.layer), request.exact);
  return reply && { ...reply, aggregate: 'rollout' };
}

function matrixReply(run: MatrixRun, requestId: number, selector: HeadSelector, matrix: Float32Array | undefined, exact: boolean): ShowMatrixMessage | undefined {
  if (!matrix) return undefined;
  return { type: MessageType.ShowMatrix, requestId, runId: run.runId, selector, size: run.tokens.length, ...matrixPayload(matrix, exact) };
}

/**
 * The reply to a weights request: Float32 [T], computed from the float32 matrix exactly as the
 * panel computes the weights it shades (sink columns hidden and rows renormalised, then
 * renormalize.ts focusWeights), so what the user reads is the model's number. Undefined when the
 * request names another run, a layer/head outside it or no token of it.
 */
export function answerWeights(run: HeldRun, request: RequestWeightsMessage, matrices: MatrixSource = computeMatrix): ShowWeightsMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const size = run.tokens.length;
  const { indices } = request;
  if (indices.length === 0 || indices.length > size || indices.some((i) => i >= size)) return undefined;
  const matrix = request.rollout ? rolloutFor(run, request.selector.layer) : matrices(run, request.selector);
  if (!matrix) return undefined;
  const hidden = sinkColumns(run.tokens, request.sinks);
  // Rows need only themselves; a column of the renormalised matrix needs every row.
  const weights =
    request.direction === 'to'
      ? focusRowWeights(matrix, size, indices, hidden, request.mode)
      : focusWeights(hidden.length > 0 ? hideColumns(matrix, size, hidden) : matrix, size, indices, 'from', request.mode);
  return { type: MessageType.ShowWeights, requestId: request.requestId, runId: run.runId, size, data: weights.buffer as ArrayBuffer };
}

export function answerThumbnails(run: HeldRun, request: RequestThumbnailsMessage): ShowThumbnailsMessage | undefined {
  if (request.runId !== run.runId) return undefined;
  const size = run.tokens.length;
  const heads = run.attention.heads;
  const side = pooledSide(size, request.side);
  const data = new Float32Array(run.attention.length * heads * side * side);
  const hidden = sinkColumns(run.tokens, request.sinks);
  for (let l = 0; l < run.attention.length; l++) {
    for (let h = 0; h < heads; h++) {
      const matrix = hideColumns(run.attention.head(l, h)!, size, hidden);
      downsample(matrix, size, side, request.pool, data.subarray((l * heads + h) * side * side, (l * heads + h + 1) * side * side));
    }
  }
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
  const heads = run.attention.heads;
  const matrix = run.attention.head(request.layer, request.head);
  if (!matrix || request.head >= heads || request.query >= size) return undefined;
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
      reason: NO_VECTORS_REASON,
      headDim: 0,
      q: EMPTY, k: EMPTY, v: EMPTY, scores: EMPTY, weights: EMPTY, recomputed: EMPTY, o: EMPTY, recomputedO: EMPTY,
      maxWeightDiff: NaN,
      maxOutputDiff: NaN,
    };
  }
  const math = queryMath(vectors, matrix, heads, size, request.head, request.query, run.causal);
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

export type { ViewReply, ViewRequest } from './protocol';

/** Answers any view request; undefined when it names another run or something outside it. */
export function answerViewRequest(run: HeldRun, request: ViewRequest, matrices: MatrixSource = computeMatrix): ViewReply | undefined {
  switch (request.type) {
    case MessageType.RequestMatrix:
      return answerMatrix(run, request, matrices);
    case MessageType.RequestRollout:
      return answerRollout(run, request);
    case MessageType.RequestWeights:
      return answerWeights(run, request, matrices);
    case MessageType.RequestThumbnails:
      return answerThumbnails(run, request);
    case MessageType.RequestQueryMath:
      return answerQueryMath(run, request);
  }
}
