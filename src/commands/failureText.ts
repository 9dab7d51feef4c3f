/**
 * A failed run's notification in the display language. The message itself is written where the
 * failure is found, often in the inference worker, which has no `vscode.l10n`, and carries file
 * names, operator names and numbers; it stays as written. In English it is shown as it is; in
 * another language a translated sentence saying what failed, by the failure's kind, comes first
 * and the message follows as its details. The action buttons are translated here too.
 */
import * as vscode from 'vscode';
import type { FailureKind } from '../inference/workerFailure';
import { SELECT_MODEL, SHOW_LOG, TIME_LIMIT_SETTING, USE_BUNDLED_MODEL, type ErrorAction } from './errorActions';

/** What failed, one sentence per kind (see FailureKind and ModelLoadErrorKind). */
export function failureHeadline(kind: FailureKind): string {
  switch (kind) {
    case 'missing-file': return vscode.l10n.t('A file the model needs is missing or cannot be read.');
    case 'unreadable-model': return vscode.l10n.t('The ONNX model file cannot be read: it is truncated, damaged or not a model.');
    case 'external-data': return vscode.l10n.t("The model's external data files are missing or outside its folder.");
    case 'tokenizer': return vscode.l10n.t('The tokenizer (tokenizer.json) cannot be used.');
    case 'config': return vscode.l10n.t('config.json beside the model cannot be used.');
    case 'no-attention': return vscode.l10n.t('The model has no attention that Attention Lens can show.');
    case 'attention-shape': return vscode.l10n.t("The model's attention does not have the expected shape.");
    case 'vocabulary': return vscode.l10n.t("The tokenizer produces ids the model's vocabulary does not have.");
    case 'unsupported-input': return vscode.l10n.t('The model needs an input Attention Lens cannot fill.');
    case 'too-big': return vscode.l10n.t('The model is too big to load.');
    case 'runtime': return vscode.l10n.t('onnxruntime could not load or run the model.');
    case 'runtime-files': return vscode.l10n.t("The extension's WebAssembly runtime is missing or damaged: reinstall Attention Lens.");
    case 'output': return vscode.l10n.t('The model ran, but its attention cannot be shown.');
    case 'worker': return vscode.l10n.t('The inference worker stopped or did not answer.');
    case 'timeout': return vscode.l10n.t('The run took longer than its time limit and was stopped.');
    case 'cancelled': return vscode.l10n.t('The run was cancelled.');
    case 'internal': return vscode.l10n.t('The run failed.');
  }
}

/**
 * The notification's text for a failure of `kind` with `message` (as the worker or the host
 * wrote it). Without a translation bundle (English) exactly `Attention Lens: <message>`.
 */
export function failureNotice(kind: FailureKind, message: string): string {
  if (vscode.l10n.bundle === undefined) return `Attention Lens: ${message}`;
  return vscode.l10n.t('Attention Lens: {0} Details: {1}', failureHeadline(kind), message);
}

/** The panel's status line for a failed run: the headline, then the message, in another language. */
export function failureStatus(kind: FailureKind, message: string): string {
  if (vscode.l10n.bundle === undefined) return message;
  return vscode.l10n.t('{0} Details: {1}', failureHeadline(kind), message);
}

/** A button's title in the display language. */
export function actionTitle(action: ErrorAction): string {
  switch (action) {
    case SELECT_MODEL: return vscode.l10n.t('Select Model…');
    case USE_BUNDLED_MODEL: return vscode.l10n.t('Use Bundled Model');
    case SHOW_LOG: return vscode.l10n.t('Show Log');
    case TIME_LIMIT_SETTING: return vscode.l10n.t('Change Time Limit…');
  }
}
