/**
 * Runs the model over a span of a document and publishes the run to the store.
 * The latest request wins: a run that finishes after a newer one started is discarded, and a
 * request that is still waiting for the run before it is dropped when a newer one arrives, so
 * a burst of requests costs at most two model runs.
 */
import { inMemoryLayers } from '../shared/attentionLayers';
import { removeStoredAttention, storedLayers, storedVectors } from './storedLayers';
import type * as vscode from 'vscode';
import { analysisCut, type AnalysisOrigin } from '../shared/analysisCut';
import { capAnalysisText, sendCap } from '../shared/textCap';
import type { InferenceEngines } from '../inference/inferenceEngines';
import type { BackendSetting } from '../settings';
import type { ModelLocation } from '../inference/workerProtocol';
import { coveredEnd } from '../shared/tokens';
import type { AttentionRun } from './attentionRun';
import type { ResultStore } from './resultStore';

export interface AnalysisRequest {
  readonly document: vscode.TextDocument;
  readonly text: string;
  readonly baseOffset: number;
  readonly model: ModelLocation;
  readonly maxTokens: number;
  /** The engine asked for; the run's `model.backend` says which one ran. */
  readonly backend: BackendSetting;
  /** Describes the analysed span for display, given its document offsets. */
  readonly describe: (start: number, end: number) => string;
  /** Where `text` starts in the document and where the request ends, for the cut of a truncated run. */
  readonly origin?: AnalysisOrigin;
}

export type AnalysisOutcome =
  | { readonly kind: 'done'; readonly run: AttentionRun }
  | { readonly kind: 'superseded' }
  | { readonly kind: 'empty' };

/** The part of the inference engines the analyzer uses. */
export type ModelRunner = Pick<InferenceEngines, 'run'>;

export const DOCUMENT_CLOSED_MESSAGE = 'The document was closed while the model ran; its result was dropped.';

export class Analyzer {
  private latestRequest = 0;
  /** The model run in flight, if any; settles (never rejects) when it ends. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ModelRunner,
    private readonly store: Pick<ResultStore, 'set'>,
    private readonly log: Pick<vscode.LogOutputChannel, 'info'>,
  ) {}

  async analyze(request: AnalysisRequest): Promise<AnalysisOutcome> {
    const runId = ++this.latestRequest;
    // One model run at a time; while waiting, a newer request makes this one moot.
    await this.inFlight;
    if (runId !== this.latestRequest) return { kind: 'superseded' };
    const started = performance.now();
    // Offsets refer to the document as it is now; the run keeps this version (see StaleTracker).
    const version = request.document.version;
    // The worker tokenizes only what the first maxTokens tokens need; the host bounds the copy.
    const sent = capAnalysisText(request.text, request.maxTokens, sendCap(request.maxTokens));
    const work = this.client.run(request.model, sent.text, request.maxTokens, request.backend);
    this.inFlight = work.then(
      () => undefined,
      () => undefined,
    );
    const { info, output, loadMs } = await work;
    // A run kept on disk that will not be shown leaves no files behind.
    const discard = () => output.stored && removeStoredAttention(output.stored);
    if (runId !== this.latestRequest) {
      discard();
      return { kind: 'superseded' };
    }
    if (request.document.isClosed) {
      discard();
      throw new Error(DOCUMENT_CLOSED_MESSAGE);
    }
    const end = coveredEnd(output.tokens);
    if (end === undefined) {
      discard();
      return { kind: 'empty' };
    }
    const total = performance.now() - started;
    const truncated = output.truncated || sent.capped;
    const run: AttentionRun = {
      runId,
      documentUri: request.document.uri.toString(),
      documentVersion: version,
      baseOffset: request.baseOffset,
      text: request.text.slice(0, end),
      tokens: output.tokens,
      attention: output.stored ? storedLayers(output.stored) : inMemoryLayers(output.attention, output.tokens.length),
      vectors: output.stored ? storedVectors(output.stored) : output.vectors,
      ...(output.stored ? { stored: output.stored } : {}),
      model: info,
      // Text cut before tokenizing was not analysed either.
      truncated,
      ...(truncated && request.origin
        ? { cut: analysisCut(request.origin, request.text, end, output.memoryLimit ?? Math.min(request.maxTokens, info.context), output.memoryLimit !== undefined) }
        : {}),
      source: request.describe(request.baseOffset, request.baseOffset + end),
      timings: {
        tokenize: output.tokenizeMs,
        inference: output.inferenceMs,
        load: loadMs,
        // Everything else between request and result: worker messaging and bookkeeping.
        transfer: Math.max(0, total - output.tokenizeMs - output.inferenceMs - loadMs),
        total,
      },
    };
    if (loadMs > 0) this.log.info(`model ${info.name} loaded in ${loadMs.toFixed(0)} ms: ${info.layers} layers × ${info.heads} heads${info.found ? `, ${info.found}` : ''}`);
    this.log.info(
      `run ${runId}: ${output.tokens.length} tokens, ${info.layers}x${info.heads} heads, ` +
        `tokenize ${output.tokenizeMs.toFixed(1)} ms, inference ${output.inferenceMs.toFixed(1)} ms, total ${total.toFixed(1)} ms` +
        (sent.capped ? `, text cut from ${request.text.length} to ${sent.text.length} UTF-16 units before tokenizing` : ''),
    );
    this.store.set(run);
    return { kind: 'done', run };
  }
}
