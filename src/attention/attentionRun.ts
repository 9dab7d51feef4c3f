/**
 * One completed Show Attention run, as the host keeps it: tokens tied to the document,
 * full attention tensors, and where it came from. Views ask it for slices.
 */
import { aggregateHeads, headMatrix } from '../shared/attentionMath';
import type { HeadSelector, ResultSummary, StageTimings } from '../shared/protocol';
import type { SourceToken } from '../shared/tokens';
import type { LayerVectors, ModelInfo } from '../inference/runTypes';

export type { LayerVectors };

export interface AttentionRun {
  readonly runId: number;
  readonly documentUri: string;
  /** Document version the offsets refer to. */
  readonly documentVersion: number;
  /** Document offset (UTF-16) where `text` starts; token offsets are relative to `text`. */
  readonly baseOffset: number;
  readonly text: string;
  readonly tokens: readonly SourceToken[];
  /** Per layer, [head][query][key]. */
  readonly attention: readonly Float32Array[];
  /** Per layer, when the model exports q_l/k_l/v_l/o_l (the bundled one does); else undefined. */
  readonly vectors: readonly LayerVectors[] | undefined;
  readonly model: ModelInfo;
  readonly truncated: boolean;
  readonly source: string;
  readonly timings: StageTimings;
}

export function summarize(run: AttentionRun): ResultSummary {
  return {
    runId: run.runId,
    text: run.text,
    tokens: run.tokens.map(({ id, text, start, end, special }) => ({ id, text, start, end, special })),
    layers: run.model.layers,
    heads: run.model.heads,
    modelName: run.model.name,
    backend: run.model.backend,
    source: run.source,
    truncated: run.truncated,
    causal: run.model.causal,
    timings: run.timings,
  };
}

/** The T x T matrix a selector names; throws RangeError for a layer or head out of range. */
export function matrixFor(run: AttentionRun, selector: HeadSelector): Float32Array {
  const layer = run.attention[selector.layer];
  if (!layer) throw new RangeError(`layer ${selector.layer} is outside 0..${run.attention.length - 1}`);
  const size = run.tokens.length;
  return typeof selector.head === 'number' ? headMatrix(layer, size, selector.head) : aggregateHeads(layer, size, selector.head);
}
