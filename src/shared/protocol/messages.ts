/**
 * The messages between the extension host and the Attention Lens webviews (the panel, the side
 * view and the HTML report), one interface each. Small metadata travels as JSON; attention
 * matrices travel as ArrayBuffers, one slice at a time, on request. Messages from a webview are
 * read through parsers.ts before the host acts on them.
 */
import type { AnalysisCut } from '../analysisCut';
import type { MatrixEncoding } from '../compactMatrix';
import type { Direction, SpanMode } from '../renormalize';
import type { MessageType } from './messageType';
import type { RunOnWebGpuMessage, WebGpuReply } from './webGpuMessages';

/** A token as the webview draws it: its source text and place, relative to the analysed text. */
export interface TokenInfo {
  readonly text: string;
  /** UTF-16 offsets into `ResultSummary.text`; start === end for special tokens. */
  readonly start: number;
  readonly end: number;
  readonly id: number;
  readonly special: boolean;
}

/** Milliseconds spent in each stage of one run. */
export interface StageTimings {
  tokenize: number;
  inference: number;
  /** Loading the model and compiling its kernels, when this run had to; else 0. */
  load: number;
  /** Host-side bookkeeping between the worker's reply and the message to the webview. */
  transfer: number;
  total: number;
}

/** What the webview needs to lay out a result; no N² data. */
export interface ResultSummary {
  readonly runId: number;
  readonly text: string;
  readonly tokens: readonly TokenInfo[];
  readonly layers: number;
  readonly heads: number;
  readonly modelName: string;
  /** What was found in the model beyond layers × heads, e.g. "decoder with KV cache (fed empty),
   *  fused GroupQueryAttention rewritten"; absent for a plain model. Shown beside the model name. */
  readonly found?: string;
  readonly backend: string;
  /** Where the text came from, for display: file name and 1-based line range. */
  readonly source: string;
  /** True when the analysed text was cut to fit the model's context. */
  readonly truncated: boolean;
  /** Where a truncated analysis stopped, when the host knows its lines (not for the command line). */
  readonly cut?: AnalysisCut;
  readonly causal: boolean;
  readonly timings: StageTimings;
}

/** Which matrix the webview wants: one head, or an aggregate over heads of a layer. */
export type HeadSelector = { readonly layer: number; readonly head: number | 'mean' | 'max' };

/** A new result to draw (replaces whatever was shown). */
export interface ShowResultMessage {
  readonly type: MessageType.ShowResult;
  readonly result: ResultSummary;
  /**
   * The matrix of the shared layer/head selection, sent with the result so that a panel showing
   * that selection paints without a request round trip (~100 ms at 512 tokens in a remote window).
   */
  readonly matrix?: { readonly selector: HeadSelector; readonly data: ArrayBuffer; readonly encoding: MatrixEncoding };
}

/**
 * The reply to a RequestMatrix: a T x T row-major matrix (row = query token), float32 or, for
 * drawing, the compact sqrt16 codes (shared/compactMatrix.ts) — half the bytes on the wire.
 */
export interface ShowMatrixMessage {
  readonly type: MessageType.ShowMatrix;
  readonly requestId: number;
  readonly runId: number;
  readonly selector: HeadSelector;
  readonly size: number;
  readonly data: ArrayBuffer;
  readonly encoding: MatrixEncoding;
  /** Set when the matrix is not `selector`'s but an aggregate over layers 0..selector.layer. */
  readonly aggregate?: 'rollout';
}

/** Progress or failure of a run, shown in the panel's status line. */
export interface ShowStatusMessage {
  readonly type: MessageType.ShowStatus;
  readonly state: 'running' | 'error' | 'idle';
  readonly message: string;
}

/** Focus one token of a run (its row in a heatmap): the editor cursor moved onto it. */
export interface FocusTokenMessage {
  readonly type: MessageType.FocusToken;
  readonly runId: number;
  /** Token index, or undefined when the cursor left the analysed tokens. */
  readonly index: number | undefined;
}

/** The shared layer/head selection changed elsewhere (another view, a setting): follow it. */
export interface ShowHeadMessage {
  readonly type: MessageType.ShowHead;
  readonly selector: HeadSelector;
  /** Why the selection moved, shown to the user (e.g. "Opened on layer 1 · head 3, the strongest …"). */
  readonly note?: string;
}

/** Which sink keys to hide (their weight shared out over the other keys of each row). */
export interface SinkSelection {
  readonly first: boolean;
  readonly special: boolean;
}

/** Names of the per-head scores in ShowThumbnailsMessage.scores, in order. */
export const HEAD_SCORE_NAMES = ['previous', 'bracket', 'induction', 'entropy', 'sparsity'] as const;
export type HeadScoreName = (typeof HEAD_SCORE_NAMES)[number];

/** Largest thumbnail side a webview may ask for. */
export const MAX_THUMBNAIL_SIDE = 128;

/**
 * The reply to RequestThumbnails: every head of every layer, pooled to side x side.
 * `data` is Float32 [layer][head][side][side]; `scores` is Float32 [layer][head][score]
 * (HEAD_SCORE_NAMES order, NaN where a score does not apply), computed from the full matrices.
 */
export interface ShowThumbnailsMessage {
  readonly type: MessageType.ShowThumbnails;
  readonly requestId: number;
  readonly runId: number;
  readonly layers: number;
  readonly heads: number;
  readonly side: number;
  readonly pool: 'max' | 'mean';
  readonly data: ArrayBuffer;
  readonly scores: ArrayBuffer;
}

/**
 * The reply to RequestQueryMath: one query token of one head, with the model's own numbers.
 * Float32 buffers: q [d], k and v [T][d], scores [T] = q·k_j/√d (before the mask), weights [T]
 * (the model's attention row), recomputed [T] (softmax of the masked scores), o [d] (the model's
 * output vector) and recomputedO [d] = Σ_j weights_j v_j. When the model exports no q/k/v
 * vectors, `available` is false, `reason` says why and the buffers are empty.
 */
/** ShowQueryMath's `reason` when the model exports no q/k/v vectors (English; the webview translates it). */
export const NO_VECTORS_REASON = 'This model does not export Q/K/V vectors (q/k/v/o outputs per layer), so the math of a query cannot be shown with its own numbers.';

export interface ShowQueryMathMessage {
  readonly type: MessageType.ShowQueryMath;
  readonly requestId: number;
  readonly runId: number;
  readonly layer: number;
  readonly head: number;
  readonly query: number;
  readonly available: boolean;
  readonly reason: string;
  readonly headDim: number;
  readonly size: number;
  readonly causal: boolean;
  readonly q: ArrayBuffer;
  readonly k: ArrayBuffer;
  readonly v: ArrayBuffer;
  readonly scores: ArrayBuffer;
  readonly weights: ArrayBuffer;
  readonly recomputed: ArrayBuffer;
  readonly o: ArrayBuffer;
  readonly recomputedO: ArrayBuffer;
  /** max_j |recomputed_j - weights_j| and max_i |recomputedO_i - o_i|. */
  readonly maxWeightDiff: number;
  readonly maxOutputDiff: number;
}

/**
 * Whether the shown run still matches its document: `stale` once its text was edited (an undo
 * back to it clears it), `closed` while its document is closed.
 */
export interface ShowRunStateMessage {
  readonly type: MessageType.ShowRunState;
  readonly runId: number;
  readonly stale: boolean;
  readonly closed: boolean;
}

/** Export the current view (or the result, as JSON) as if its Export button was pressed (the title-bar actions). */
export interface RequestExportMessage {
  readonly type: MessageType.RequestExport;
  readonly format: ExportFormat;
}

export type ToWebviewMessage =
  | ShowResultMessage
  | ShowMatrixMessage
  | ShowWeightsMessage
  | ShowStatusMessage
  | FocusTokenMessage
  | ShowHeadMessage
  | ShowThumbnailsMessage
  | ShowQueryMathMessage
  | ShowRunStateMessage
  | RequestExportMessage
  | RunOnWebGpuMessage;

/** The webview has loaded and wants the current result, if any. */
export interface ReadyMessage {
  readonly type: MessageType.Ready;
}

/**
 * Ask for the matrix of one head (or aggregate) of a run: compact for drawing, or `exact` float32
 * (for exports, whose numbers must be the model's).
 */
export interface RequestMatrixMessage {
  readonly type: MessageType.RequestMatrix;
  readonly requestId: number;
  readonly runId: number;
  readonly selector: HeadSelector;
  readonly exact: boolean;
}

/**
 * Ask for the exact float32 weights the user reads: what the `indices` (query tokens for
 * direction 'to', key tokens for 'from') attend to / are attended by, summed or averaged over
 * the indices (`mode`), with the sink keys hidden and rows renormalised as drawn — the
 * computation of shared/renormalize.ts focusWeights on the model's float32 matrix. `rollout`:
 * the rollout through `selector.layer` instead of the selector's matrix.
 */
export interface RequestWeightsMessage {
  readonly type: MessageType.RequestWeights;
  readonly requestId: number;
  readonly runId: number;
  readonly selector: HeadSelector;
  readonly rollout: boolean;
  readonly indices: readonly number[];
  readonly direction: Direction;
  readonly mode: SpanMode;
  readonly sinks: SinkSelection;
}

/** The reply to RequestWeights: Float32 [T], one exact weight per token. */
export interface ShowWeightsMessage {
  readonly type: MessageType.ShowWeights;
  readonly requestId: number;
  readonly runId: number;
  readonly size: number;
  readonly data: ArrayBuffer;
}

/** Reveal a token of a run in its editor. */
export interface RevealTokenMessage {
  readonly type: MessageType.RevealToken;
  readonly runId: number;
  readonly index: number;
}

/** The webview finished drawing a run; `paintMs` is measured inside the webview. */
export interface PaintedMessage {
  readonly type: MessageType.Painted;
  readonly runId: number;
  readonly paintMs: number;
}

/** The user picked another layer or head in a webview; the host shares it with every view. */
export interface HeadPickedMessage {
  readonly type: MessageType.HeadPicked;
  readonly layer: number;
  readonly head: HeadSelector['head'];
}

/** Ask for the attention rollout through layers 0..layer (replied to with a ShowMatrix, aggregate 'rollout'). */
export interface RequestRolloutMessage {
  readonly type: MessageType.RequestRollout;
  readonly requestId: number;
  readonly runId: number;
  readonly layer: number;
  readonly exact: boolean;
}

/** Ask for thumbnails of every head, pooled to at most `side` x `side`, sinks optionally hidden. */
export interface RequestThumbnailsMessage {
  readonly type: MessageType.RequestThumbnails;
  readonly requestId: number;
  readonly runId: number;
  readonly side: number;
  readonly pool: 'max' | 'mean';
  readonly sinks: SinkSelection;
}

/** Ask for the attention math of one query token in one head. */
export interface RequestQueryMathMessage {
  readonly type: MessageType.RequestQueryMath;
  readonly requestId: number;
  readonly runId: number;
  readonly layer: number;
  readonly head: number;
  readonly query: number;
}

export const EXPORT_FORMATS = ['svg', 'png', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Largest figure the webview may hand over (an SVG of a 2048-token matrix is far below). */
export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;

/**
 * Save the current view as a figure (svg: the SVG text; png: the PNG bytes) or the whole result
 * as JSON (built by the host from the full tensors: `data` absent). `name` is a suggested file
 * name without extension; the user picks the file in a save dialog.
 */
export interface SaveExportMessage {
  readonly type: MessageType.SaveExport;
  readonly runId: number;
  readonly format: ExportFormat;
  readonly name: string;
  readonly data?: string | ArrayBuffer;
}

/** Run the model again on the text of run `runId` as it now is (the panel's Re-run button). */
export interface RerunMessage {
  readonly type: MessageType.Rerun;
  readonly runId: number;
}

/** The requests a view makes for data, each answered by one reply carrying its requestId. */
export type ViewRequest = RequestMatrixMessage | RequestRolloutMessage | RequestWeightsMessage | RequestThumbnailsMessage | RequestQueryMathMessage;

/** The reply type of each view request. */
export interface ViewReplies {
  [MessageType.RequestMatrix]: ShowMatrixMessage;
  [MessageType.RequestRollout]: ShowMatrixMessage;
  [MessageType.RequestWeights]: ShowWeightsMessage;
  [MessageType.RequestThumbnails]: ShowThumbnailsMessage;
  [MessageType.RequestQueryMath]: ShowQueryMathMessage;
}

export type ViewReply = ViewReplies[ViewRequest['type']];

export type FromWebviewMessage =
  | ReadyMessage
  | RequestMatrixMessage
  | RevealTokenMessage
  | PaintedMessage
  | HeadPickedMessage
  | RequestRolloutMessage
  | RequestWeightsMessage
  | RequestThumbnailsMessage
  | RequestQueryMathMessage
  | SaveExportMessage
  | RerunMessage
  | WebGpuReply;
