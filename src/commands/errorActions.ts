/**
 * The buttons a failed run's notification offers, by what failed: a problem with the model's
 * files can be fixed by choosing another model (or going back to the bundled one); a problem with
 * the extension itself or the worker thread is diagnosed from the log. Pure, so every kind's
 * actions are unit-tested.
 */
import type { FailureKind } from '../inference/workerFailure';

export const SELECT_MODEL = 'Select Model…';
export const USE_BUNDLED_MODEL = 'Use Bundled Model';
export const SHOW_LOG = 'Show Log';
export const TIME_LIMIT_SETTING = 'Change Time Limit…';

export type ErrorAction = typeof SELECT_MODEL | typeof USE_BUNDLED_MODEL | typeof SHOW_LOG | typeof TIME_LIMIT_SETTING;

/** Failures caused by the model folder's files (or a model they describe that cannot be shown). */
const MODEL_KINDS: ReadonlySet<FailureKind> = new Set<FailureKind>([
  'missing-file',
  'unreadable-model',
  'external-data',
  'tokenizer',
  'config',
  'no-attention',
  'attention-shape',
  'vocabulary',
  'unsupported-input',
  'runtime',
  'output',
]);

/**
 * The actions for a failure of `kind`, most useful first. `ownModel`: a model folder is set
 * (the bundled model is not in use), so going back to the bundled model is a way out.
 */
export function errorActions(kind: FailureKind, ownModel: boolean): ErrorAction[] {
  // Out of time: the text may be too long for the limit (raise it), or the model or its tokenizer
  // never finishes (use another one). A cancelled run needs no action at all.
  if (kind === 'timeout') return ownModel ? [TIME_LIMIT_SETTING, USE_BUNDLED_MODEL, SHOW_LOG] : [TIME_LIMIT_SETTING, SHOW_LOG];
  if (kind === 'cancelled') return [];
  if (MODEL_KINDS.has(kind)) return ownModel ? [SELECT_MODEL, USE_BUNDLED_MODEL, SHOW_LOG] : [SELECT_MODEL, SHOW_LOG];
  return [SHOW_LOG];
}
