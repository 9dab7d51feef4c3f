/**
 * One completed Show Attention run, as the host keeps it: tokens tied to the document,
 * full attention tensors, and where it came from. Views ask it for slices.
 */
import type { AnalysisCut } from '../shared/analysisCut';
import type { AttentionLayers } from '../shared/attentionLayers';
import { selectedMatrix } from '../shared/attentionMath';
import type { HeadSelector, StageTimings } from '../shared/protocol';
import type { SourceToken } from '../shared/tokens';
import type { HeldRun } from '../shared/viewRequests';
import type { LayerVectors, ModelInfo, StoredAttention } from '../inference/runTypes';

export type { LayerVectors };

export { summarize } from '../shared/resultSummary';

export interface AttentionRun {
  readonly runId: number;
  readonly documentUri: string;
  /** Document version the offsets refer to. */
  readonly documentVersion: number;
  /** Document offset (UTF-16) where `text` starts; token offsets are relative to `text`. */
  readonly baseOffset: number;
  readonly text: string;
  readonly tokens: readonly SourceToken[];
  /** Per layer, [head][query][key]: in memory, or read from the run's files (storedLayers.ts). */
  readonly attention: AttentionLayers;
  /** Where the attention is kept when it stayed on disk (a long run: storedLayers.ts). */
  readonly stored?: StoredAttention;
  /** Per layer, when the model exports q_l/k_l/v_l/o_l (the bundled one does); else undefined. */
  readonly vectors: readonly LayerVectors[] | undefined;
  readonly model: ModelInfo;
  readonly truncated: boolean;
  /** Where a truncated analysis stopped (lines and columns), when the request said where it started. */
  readonly cut?: AnalysisCut;
  readonly source: string;
  readonly timings: StageTimings;
}

/** The T x T matrix a selector names; undefined for a layer or head outside the run. */
export function matrixFor(run: AttentionRun, selector: HeadSelector): Float32Array | undefined {
  return selectedMatrix(run.attention, run.tokens.length, selector);
}

/** What the view answers (shared/viewRequests.ts) need of a run. */
export function heldRun(run: AttentionRun): HeldRun {
  return { runId: run.runId, tokens: run.tokens, attention: run.attention, vectors: run.vectors, causal: run.model.causal };
}
