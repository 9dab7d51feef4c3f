/** The Show Attention command: selection (or document) -> model -> panel. */
import * as vscode from 'vscode';
import type { Analyzer, AnalysisOutcome } from '../attention/analyzer';
import type { AttentionRun } from '../attention/attentionRun';
import { ResultStore } from '../attention/resultStore';
import type { ModelLocation } from '../inference/workerProtocol';
import { readSettings } from '../settings';
import { InferenceError } from '../inference/workerFailure';
import { AttentionPanel } from '../views/attentionPanel';
import type { ViewContext } from '../views/viewBackend';
import { SELECT_MODEL, SHOW_LOG, TIME_LIMIT_SETTING, USE_BUNDLED_MODEL, errorActions } from './errorActions';
import { useBundledModel } from './selectModel';
import { actionTitle, failureNotice, failureStatus } from './failureText';
import { cutMessage } from '../shared/analysisCut';
import { analysisOrigin, analysisTarget, describeSpan, type AnalysisTarget } from './analysisTarget';

/** Runs quicker than this show no progress notification (the status bar spinner only). */
export const PROGRESS_NOTIFICATION_DELAY_MS = 1000;

/**
 * The result store, with a gate for cancelled runs: Cancel stops the worker's run (see
 * `ShowAttentionDeps.cancelRun`), but a run on WebGPU in the panel cannot be stopped; it
 * finishes there, and its result is dropped instead of published.
 * Only the latest request can publish (older ones are superseded), so one flag is enough:
 * each new request opens the gate, cancelling it closes it.
 */
export class CancellableResultStore extends ResultStore {
  private discarding = false;

  /** A new request starts: its result will be published. */
  open(): void {
    this.discarding = false;
  }

  /** The request in flight was cancelled: drop its result. */
  discardPending(): void {
    this.discarding = true;
  }

  override set(run: AttentionRun): void {
    if (this.discarding) return;
    super.set(run);
  }
}

export interface ShowAttentionDeps {
  readonly extensionUri: vscode.Uri;
  readonly analyzer: Analyzer;
  readonly store: CancellableResultStore;
  /** What the panel needs when the command opens it. */
  readonly views: ViewContext;
  readonly bundledModelFolder: string;
  readonly log: vscode.LogOutputChannel;
  /** Stops the inference worker's request in flight (the worker is replaced); false when none was. */
  readonly cancelRun?: () => boolean;
}

export async function showAttention(deps: ShowAttentionDeps): Promise<AttentionRun | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Attention Lens: open a file and select the text to analyse.'));
    return undefined;
  }
  const target = analysisTarget(editor);
  if (target.text.trim() === '') {
    void vscode.window.showWarningMessage(
      target.wholeDocument
        ? vscode.l10n.t('Attention Lens: the document is empty. Type or open some code or prose first.')
        : vscode.l10n.t('Attention Lens: the selection is only whitespace. Select some code or prose.'),
    );
    return undefined;
  }
  return analyseTarget(deps, target, true);
}

/** Re-runs the model on a span of a document (live re-run after edits): no panel, no pop-ups. */
export async function rerunSpan(deps: ShowAttentionDeps, document: vscode.TextDocument, start: number, end: number): Promise<AttentionRun | undefined> {
  const range = new vscode.Range(document.positionAt(start), document.positionAt(end));
  const text = document.getText(range);
  if (text.trim() === '') return undefined;
  return analyseTarget(deps, { document, text, baseOffset: start, wholeDocument: false }, false);
}

const CANCELLED = Symbol('cancelled');

/** Waits for `work`; if it takes longer than the delay, shows a cancellable notification. */
async function withDelayedProgress<T>(work: Promise<T>, title: string): Promise<T | typeof CANCELLED> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const early = await Promise.race([
    work.then((value) => ({ done: true as const, value })),
    new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), PROGRESS_NOTIFICATION_DELAY_MS))),
  ]).finally(() => clearTimeout(timer));
  if (early.done) return early.value;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (_progress, token) =>
      new Promise<T | typeof CANCELLED>((resolve, reject) => {
        const subscription = token.onCancellationRequested(() => resolve(CANCELLED));
        work.then(resolve, reject).finally(() => subscription.dispose());
      }),
  );
}

async function analyseTarget(deps: ShowAttentionDeps, target: AnalysisTarget, interactive: boolean): Promise<AttentionRun | undefined> {
  const settings = readSettings();
  const model: ModelLocation = { folder: settings.modelFolder ?? deps.bundledModelFolder, threads: settings.threads };
  (interactive ? AttentionPanel.show(deps.extensionUri, deps.views) : AttentionPanel.open)?.postStatus('running', vscode.l10n.t('Running the model…'));
  // The panel may be closed (or reopened) while the model runs: look it up again afterwards.
  const panel = { postStatus: (...args: Parameters<AttentionPanel['postStatus']>) => AttentionPanel.open?.postStatus(...args) };
  const started = performance.now();
  deps.store.open();
  try {
    const work = deps.analyzer.analyze({
      document: target.document,
      text: target.text,
      baseOffset: target.baseOffset,
      model,
      maxTokens: settings.maxTokens,
      backend: settings.backend,
      describe: (start, end) => describeSpan(target.document, start, end),
      origin: analysisOrigin(target.document, target.baseOffset, target.text.length),
    });
    const outcome: AnalysisOutcome | typeof CANCELLED = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Attention Lens: running the model') },
      () => (interactive ? withDelayedProgress(work, vscode.l10n.t('Attention Lens: running the model…')) : work),
    );
    if (outcome === CANCELLED) {
      deps.store.discardPending();
      const stopped = deps.cancelRun?.() ?? false;
      deps.log.info(
        `Show Attention cancelled after ${(performance.now() - started).toFixed(0)} ms; ` +
          (stopped ? 'the inference worker was stopped and will be restarted for the next run' : 'its result will be discarded'),
      );
      panel?.postStatus('idle', vscode.l10n.t('Cancelled.'));
      return undefined;
    }
    if (outcome.kind === 'empty') {
      panel?.postStatus('idle', vscode.l10n.t('Nothing to show: the text produced no tokens.'));
      return undefined;
    }
    if (outcome.kind === 'superseded') return undefined;
    const run = outcome.run;
    deps.log.info(
      `run ${run.runId}${interactive ? '' : ' (live re-run)'}: ${(performance.now() - started).toFixed(1)} ms from command to result` +
        (run.timings.load > 0 ? `, model load ${run.timings.load.toFixed(1)} ms` : ''),
    );
    if (run.truncated && interactive) {
      const what = run.cut ? cutMessage(run.cut, vscode.l10n) : vscode.l10n.t('Showing the first {0} tokens: {1}.', run.tokens.length, run.source);
      void vscode.window.showInformationMessage(
        run.cut?.memoryBound
          ? target.wholeDocument
            ? vscode.l10n.t('Attention Lens: the document is longer than the attention memory allows for this model. {0} Select a smaller span to see another part.', what)
            : vscode.l10n.t('Attention Lens: the selection is longer than the attention memory allows for this model. {0} Select a smaller span to see another part.', what)
          : target.wholeDocument
            ? vscode.l10n.t("Attention Lens: the document is longer than the model's token limit. {0} Select a smaller span to see another part.", what)
            : vscode.l10n.t("Attention Lens: the selection is longer than the model's token limit. {0} Select a smaller span to see another part.", what),
      );
    }
    return run;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log.error(`Show Attention failed: ${message}`);
    panel?.postStatus('error', failureStatus(err instanceof InferenceError ? err.kind : 'internal', message));
    // A run stopped by Cancel needs no pop-up: the user asked for it.
    const cancelled = err instanceof InferenceError && err.kind === 'cancelled';
    if (interactive && !cancelled) void offerFix(deps, err, settings.modelFolder !== undefined);
    return undefined;
  }
}

/** Shows a failed run's message with the actions that fix its kind of failure, and runs the one picked. */
async function offerFix(deps: ShowAttentionDeps, err: unknown, ownModel: boolean): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const kind = err instanceof InferenceError ? err.kind : 'internal';
  const actions = errorActions(kind, ownModel);
  const title = await vscode.window.showErrorMessage(failureNotice(kind, message), ...actions.map(actionTitle));
  const picked = actions.find((action) => actionTitle(action) === title);
  if (picked === SELECT_MODEL) await vscode.commands.executeCommand('attentionLens.selectModel');
  else if (picked === USE_BUNDLED_MODEL) await useBundledModel();
  else if (picked === SHOW_LOG) deps.log.show(true);
  else if (picked === TIME_LIMIT_SETTING) await vscode.commands.executeCommand('workbench.action.openSettings', 'attentionLens.requestTimeoutSeconds');
}
