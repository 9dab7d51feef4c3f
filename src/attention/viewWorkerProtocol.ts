/**
 * Messages between the extension host and the view worker (viewWorker.ts), the thread that
 * answers the views' data requests and writes JSON exports, so work that grows with
 * layers × heads × T² never runs on the extension host's thread.
 */
import type { ResultJsonInput } from '../shared/resultJson';
import type { ViewReply, ViewRequest } from '../shared/protocol';
import type { LayerVectors, StoredAttention } from '../inference/runTypes';

/** A run's tokens as the answers need them (offsets travel only with an export). */
export interface HeldToken {
  readonly text: string;
  readonly id: number;
  readonly special: boolean;
}

/** What the JSON export needs beyond the held run's attention: everything resultToJson reads. */
export type ExportInput = Omit<ResultJsonInput, 'attention'>;

export type ViewWorkerRequest =
  /** From now on the worker holds this run (dropping the one before); its layers follow one
   *  message each, or, for a run kept on disk (`stored`), are read from its files. */
  | { readonly kind: 'hold'; readonly requestId: number; readonly runId: number; readonly tokens: readonly HeldToken[]; readonly layers: number; readonly causal: boolean; readonly hasVectors: boolean; readonly stored?: StoredAttention }
  /** One layer of the held run: [head][query][key], and q/k/v/o [head][token][d_k] when the model has them. */
  | { readonly kind: 'layer'; readonly requestId: number; readonly runId: number; readonly index: number; readonly attention: Float32Array; readonly vectors: LayerVectors | undefined }
  /** Drop the held run (and what was computed from it): the host no longer holds it either. */
  | { readonly kind: 'release'; readonly requestId: number }
  | { readonly kind: 'answer'; readonly requestId: number; readonly request: ViewRequest }
  /** The held run's head scores, Float32 [layer][head][score] (headBadges.ts). */
  | { readonly kind: 'scores'; readonly requestId: number; readonly runId: number }
  /**
   * The held run as result JSON: streamed to `path` (a local file, replaced once complete: it is
   * written beside it and renamed) when given, else returned as bytes.
   */
  | { readonly kind: 'exportJson'; readonly requestId: number; readonly runId: number; readonly input: ExportInput; readonly path: string | undefined };

export type ViewWorkerReply =
  | { readonly kind: 'held'; readonly requestId: number }
  | { readonly kind: 'answered'; readonly requestId: number; readonly reply: ViewReply | undefined }
  | { readonly kind: 'scores'; readonly requestId: number; readonly scores: Float32Array | undefined }
  /** `bytes` when no path was given; `written` counts the bytes written either way. */
  | { readonly kind: 'exported'; readonly requestId: number; readonly written: number; readonly bytes: Uint8Array | undefined }
  | { readonly kind: 'failed'; readonly requestId: number; readonly message: string };
