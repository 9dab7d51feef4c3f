/**
 * Failures as they cross the worker boundary. An Error thrown in the worker thread arrives on the
 * host side as a structured clone that keeps neither its class nor its fields, so the worker
 * replies with the failure's kind and message instead, and the host rebuilds an InferenceError
 * with both: the kind is what picks the action offered to the user.
 */
import { ModelLoadError, type ModelLoadErrorKind } from './modelErrors';
import { UnexpectedOutputError } from './outputChecks';
import { RuntimeFilesError } from './runtimeFiles';

/**
 * What went wrong, as far as the user can act on it: a ModelLoadErrorKind (the model folder's
 * files), 'runtime-files' (the extension's own WebAssembly runtime is missing or damaged),
 * 'output' (the model ran but returned attention that cannot be shown), 'worker' (the worker
 * thread stopped or could not be reached), 'timeout' (the request ran out of its time limit and
 * the worker was stopped), 'cancelled' (the user cancelled the request and the worker was
 * stopped), 'internal' (anything else).
 */
export type FailureKind = ModelLoadErrorKind | 'runtime-files' | 'output' | 'worker' | 'timeout' | 'cancelled' | 'internal';

/** A failure as the worker sends it. */
export interface WorkerFailure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** The kind and message of anything the worker caught. */
export function failureOf(err: unknown): WorkerFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ModelLoadError) return { kind: err.kind, message };
  if (err instanceof RuntimeFilesError) return { kind: 'runtime-files', message };
  if (err instanceof UnexpectedOutputError) return { kind: 'output', message };
  return { kind: 'internal', message };
}

/** An inference request that failed, on the host side: the worker's failure, kind included. */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';

  constructor(
    message: string,
    readonly kind: FailureKind = 'internal',
  ) {
    super(message);
  }
}
