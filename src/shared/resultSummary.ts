/**
 * The summary a view lays a result out from (ResultSummary: tokens, shape, model, timings; no
 * N² data), built in one place for the extension's runs and the command line's HTML report.
 */
import type { AnalysisCut } from './analysisCut';
import type { ResultSummary, StageTimings } from './protocol';
import type { SourceToken } from './tokens';

/** What a summary is made from: a run of the extension, or of the command line. */
export interface SummarySource {
  readonly runId: number;
  readonly text: string;
  readonly tokens: readonly SourceToken[];
  readonly model: {
    readonly name: string;
    readonly layers: number;
    readonly heads: number;
    readonly backend: string;
    readonly causal: boolean;
    /** What the loader found in the model (ModelInfo.found). */
    readonly found?: string;
  };
  /** Where the text came from, for display: file name and 1-based line range. */
  readonly source: string;
  readonly truncated: boolean;
  readonly cut?: AnalysisCut;
  readonly timings: StageTimings;
}

/** The ResultSummary of a run: the tokens as the webview draws them (no document fields). */
export function summarize(run: SummarySource): ResultSummary {
  return {
    runId: run.runId,
    text: run.text,
    tokens: run.tokens.map(({ id, text, start, end, special }) => ({ id, text, start, end, special })),
    layers: run.model.layers,
    heads: run.model.heads,
    modelName: run.model.name,
    ...(run.model.found ? { found: run.model.found } : {}),
    backend: run.model.backend,
    source: run.source,
    truncated: run.truncated,
    ...(run.cut ? { cut: run.cut } : {}),
    causal: run.model.causal,
    timings: run.timings,
  };
}
