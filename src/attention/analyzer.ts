/**
 * Runs the model over a span of a document and publishes the run to the store.
 * The latest request wins: a run that finishes after a newer one started is discarded.
 */
import * as vscode from 'vscode';
import type { InferenceClient } from '../inference/inferenceClient';
import type { ModelLocation } from '../inference/workerProtocol';
import type { AttentionRun } from './attentionRun';
import type { ResultStore } from './resultStore';

export interface AnalysisRequest {
  readonly document: vscode.TextDocument;
  readonly text: string;
  readonly baseOffset: number;
  readonly model: ModelLocation;
  readonly maxTokens: number;
  /** Describes the analysed span for display, given its document offsets. */
  readonly describe: (start: number, end: number) => string;
}

export type AnalysisOutcome =
  | { readonly kind: 'done'; readonly run: AttentionRun }
  | { readonly kind: 'superseded' }
  | { readonly kind: 'empty' };

export class Analyzer {
  private latestRequest = 0;

  constructor(
    private readonly client: InferenceClient,
    private readonly store: ResultStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async analyze(request: AnalysisRequest): Promise<AnalysisOutcome> {
    const runId = ++this.latestRequest;
    const started = performance.now();
    const version = request.document.version;
    const { info, output, loadMs } = await this.client.run(request.model, request.text, request.maxTokens);
    if (runId !== this.latestRequest) return { kind: 'superseded' };
    const covered = output.tokens.filter((t) => !t.special);
    if (covered.length === 0) return { kind: 'empty' };
    const coveredEnd = covered[covered.length - 1].end;
    const total = performance.now() - started;
    const run: AttentionRun = {
      runId,
      documentUri: request.document.uri.toString(),
      documentVersion: version,
      baseOffset: request.baseOffset,
      text: request.text.slice(0, coveredEnd),
      tokens: output.tokens,
      attention: output.attention,
      vectors: output.vectors,
      model: info,
      truncated: output.truncated,
      source: request.describe(request.baseOffset, request.baseOffset + coveredEnd),
      timings: {
        tokenize: output.tokenizeMs,
        inference: output.inferenceMs,
        load: loadMs,
        // Everything else between request and result: worker messaging and bookkeeping.
        transfer: Math.max(0, total - output.tokenizeMs - output.inferenceMs - loadMs),
        total,
      },
    };
    this.log.info(
      `run ${runId}: ${output.tokens.length} tokens, ${info.layers}x${info.heads} heads, ` +
        `tokenize ${output.tokenizeMs.toFixed(1)} ms, inference ${output.inferenceMs.toFixed(1)} ms, total ${total.toFixed(1)} ms`,
    );
    this.store.set(run);
    return { kind: 'done', run };
  }
}
