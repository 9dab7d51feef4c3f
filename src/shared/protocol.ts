/**
 * The one protocol between the extension host and the Attention Lens webviews.
 *
 * Shared by both sides (no `vscode`, no DOM). Small metadata travels as JSON; attention
 * matrices travel as ArrayBuffers, one slice at a time, on request. Every message that arrives
 * from a webview goes through `parseWebviewMessage` before the host acts on it.
 */

import { parseWebGpuReply, type RunOnWebGpuMessage, type WebGpuReply } from './webGpuProtocol';

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
  readonly backend: string;
  /** Where the text came from, for display: file name and 1-based line range. */
  readonly source: string;
  /** True when the analysed text was cut to fit the model's context. */
  readonly truncated: boolean;
  readonly causal: boolean;
  readonly timings: StageTimings;
}

/** Which matrix the webview wants: one head, or an aggregate over heads of a layer. */
export type HeadSelector = { readonly layer: number; readonly head: number | 'mean' | 'max' };

export const enum MessageType {
  // host -> webview
  ShowResult = 'result/show',
  ShowMatrix = 'matrix/show',
  ShowStatus = 'status/show',
  FocusToken = 'token/focus',
  ShowSelection = 'selection/show',
  ShowThumbnails = 'thumbnails/show',
  ShowQueryMath = 'math/show',
  RunOnWebGpu = 'webgpu/run',
  // webview -> host
  Ready = 'webview/ready',
  RequestMatrix = 'matrix/request',
  RevealToken = 'token/reveal',
  Painted = 'webview/painted',
  SelectionChanged = 'selection/changed',
  RequestRollout = 'rollout/request',
  RequestThumbnails = 'thumbnails/request',
  RequestQueryMath = 'math/request',
  SaveExport = 'export/save',
  WebGpuResult = 'webgpu/result',
  WebGpuFailed = 'webgpu/failed',
}

/** A new result to draw (replaces whatever was shown). */
export interface ShowResultMessage {
  readonly type: MessageType.ShowResult;
  readonly result: ResultSummary;
  /**
   * The matrix of the shared layer/head selection, sent with the result so that a panel showing
   * that selection paints without a request round trip (~100 ms at 512 tokens in a remote window).
   */
  readonly matrix?: { readonly selector: HeadSelector; readonly data: ArrayBuffer };
}

/** The reply to a RequestMatrix: a T x T row-major Float32 matrix (row = query token). */
export interface ShowMatrixMessage {
  readonly type: MessageType.ShowMatrix;
  readonly requestId: number;
  readonly runId: number;
  readonly selector: HeadSelector;
  readonly size: number;
  readonly data: ArrayBuffer;
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
export interface ShowSelectionMessage {
  readonly type: MessageType.ShowSelection;
  readonly selector: HeadSelector;
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

export type ToWebviewMessage =
  | ShowResultMessage
  | ShowMatrixMessage
  | ShowStatusMessage
  | FocusTokenMessage
  | ShowSelectionMessage
  | ShowThumbnailsMessage
  | ShowQueryMathMessage
  | RunOnWebGpuMessage;

/** The webview has loaded and wants the current result, if any. */
export interface ReadyMessage {
  readonly type: MessageType.Ready;
}

/** Ask for the matrix of one head (or aggregate) of a run. */
export interface RequestMatrixMessage {
  readonly type: MessageType.RequestMatrix;
  readonly requestId: number;
  readonly runId: number;
  readonly selector: HeadSelector;
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
export interface SelectionChangedMessage {
  readonly type: MessageType.SelectionChanged;
  readonly layer: number;
  readonly head: HeadSelector['head'];
}

/** Ask for the attention rollout through layers 0..layer (replied to with a ShowMatrix, aggregate 'rollout'). */
export interface RequestRolloutMessage {
  readonly type: MessageType.RequestRollout;
  readonly requestId: number;
  readonly runId: number;
  readonly layer: number;
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

export type FromWebviewMessage =
  | ReadyMessage
  | RequestMatrixMessage
  | RevealTokenMessage
  | PaintedMessage
  | SelectionChangedMessage
  | RequestRolloutMessage
  | RequestThumbnailsMessage
  | RequestQueryMathMessage
  | SaveExportMessage
  | WebGpuReply;

const MAX_INDEX = 1 << 24;

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_INDEX;
}

function parseSelector(value: unknown): HeadSelector | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { layer, head } = value as Record<string, unknown>;
  if (!isIndex(layer)) return undefined;
  if (head === 'mean' || head === 'max' || isIndex(head)) return { layer, head };
  return undefined;
}

/**
 * Validate a message from a webview. Anything malformed yields undefined and is ignored:
 * a webview is untrusted input as far as the host is concerned.
 */
export function parseWebviewMessage(raw: unknown): FromWebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const msg = raw as Record<string, unknown>;
  switch (msg.type) {
    case MessageType.Ready:
      return { type: MessageType.Ready };
    case MessageType.RequestMatrix: {
      const selector = parseSelector(msg.selector);
      if (!isIndex(msg.requestId) || !isIndex(msg.runId) || !selector) return undefined;
      return { type: MessageType.RequestMatrix, requestId: msg.requestId, runId: msg.runId, selector };
    }
    case MessageType.RevealToken:
      if (!isIndex(msg.runId) || !isIndex(msg.index)) return undefined;
      return { type: MessageType.RevealToken, runId: msg.runId, index: msg.index };
    case MessageType.Painted:
      if (!isIndex(msg.runId) || typeof msg.paintMs !== 'number' || !Number.isFinite(msg.paintMs)) return undefined;
      return { type: MessageType.Painted, runId: msg.runId, paintMs: msg.paintMs };
    case MessageType.SelectionChanged: {
      const selector = parseSelector({ layer: msg.layer, head: msg.head });
      if (!selector) return undefined;
      return { type: MessageType.SelectionChanged, layer: selector.layer, head: selector.head };
    }
    case MessageType.RequestRollout:
      if (!isIndex(msg.requestId) || !isIndex(msg.runId) || !isIndex(msg.layer)) return undefined;
      return { type: MessageType.RequestRollout, requestId: msg.requestId, runId: msg.runId, layer: msg.layer };
    case MessageType.RequestThumbnails: {
      const sinks = parseSinks(msg.sinks);
      const side = msg.side;
      if (!isIndex(msg.requestId) || !isIndex(msg.runId) || !sinks) return undefined;
      if (!isIndex(side) || side < 1 || side > MAX_THUMBNAIL_SIDE) return undefined;
      if (msg.pool !== 'max' && msg.pool !== 'mean') return undefined;
      return { type: MessageType.RequestThumbnails, requestId: msg.requestId, runId: msg.runId, side, pool: msg.pool, sinks };
    }
    case MessageType.RequestQueryMath:
      if (!isIndex(msg.requestId) || !isIndex(msg.runId) || !isIndex(msg.layer) || !isIndex(msg.head) || !isIndex(msg.query)) return undefined;
      return { type: MessageType.RequestQueryMath, requestId: msg.requestId, runId: msg.runId, layer: msg.layer, head: msg.head, query: msg.query };
    case MessageType.SaveExport:
      return parseSaveExport(msg);
    case MessageType.WebGpuResult:
    case MessageType.WebGpuFailed:
      return parseWebGpuReply(msg);
    default:
      return undefined;
  }
}

function parseSaveExport(msg: Record<string, unknown>): SaveExportMessage | undefined {
  const format = EXPORT_FORMATS.find((f) => f === msg.format);
  if (!isIndex(msg.runId) || !format || typeof msg.name !== 'string') return undefined;
  // A file name suggestion only: no folders, no control characters, bounded.
  const name = msg.name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120) || 'attention';
  const { data } = msg;
  if (format === 'json') return { type: MessageType.SaveExport, runId: msg.runId, format, name };
  if (format === 'svg' && typeof data === 'string' && data.length <= MAX_EXPORT_BYTES) {
    return { type: MessageType.SaveExport, runId: msg.runId, format, name, data };
  }
  const bytes = arrayBufferFrom(data);
  if (format === 'png' && bytes && bytes.byteLength <= MAX_EXPORT_BYTES) {
    return { type: MessageType.SaveExport, runId: msg.runId, format, name, data: bytes };
  }
  return undefined;
}

function parseSinks(value: unknown): SinkSelection | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { first, special } = value as Record<string, unknown>;
  if (typeof first !== 'boolean' || typeof special !== 'boolean') return undefined;
  return { first, special };
}

/** The bytes of a message field: an ArrayBuffer, or (after structured cloning) a view on one. */
export function arrayBufferFrom(data: unknown): ArrayBuffer | undefined {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return undefined;
}

/** Read a Float32 buffer from a message; undefined unless it holds exactly `length` floats. */
export function floatsFromBuffer(data: unknown, length: number): Float32Array | undefined {
  const bytes = arrayBufferFrom(data);
  return bytes && bytes.byteLength === length * 4 ? new Float32Array(bytes) : undefined;
}

/** Copy a Float32Array into a standalone ArrayBuffer (a view may share a larger buffer). */
export function matrixToBuffer(matrix: Float32Array): ArrayBuffer {
  return matrix.slice().buffer as ArrayBuffer;
}

/** Read a matrix sent as an ArrayBuffer (or, after structured cloning, a typed array). */
export function matrixFromMessage(message: ShowMatrixMessage): Float32Array | undefined {
  return floatsFromBuffer(message.data, message.size * message.size);
}
