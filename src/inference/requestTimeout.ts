/**
 * The time limit of a worker request and what the user is told when a request runs out of it.
 * A request goes through up to three stages, which the worker announces as it enters each
 * (see WorkerReply 'stage'): loading the model (file reads, session creation and the warm-up
 * run), tokenizing the text, and running the model. The message names the stage so the user knows
 * whether the model, the tokenizer or the amount of text is at fault. Pure: no Node or vscode APIs;
 * the caller passes its translator (the CLI none: English).
 */
import { ENGLISH, type Translator } from '../shared/translator';

/** What a worker request was doing: loading the model, tokenizing the text, or running the model. */
export type RequestStage = 'load' | 'tokenize' | 'run';

/** The default time limit of one worker request, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
/** The accepted range of the time limit, in seconds (a day at most: a typo must not mean "forever"). */
export const MIN_REQUEST_TIMEOUT_SECONDS = 1;
export const MAX_REQUEST_TIMEOUT_SECONDS = 86_400;


/** "60 s", "1.5 s": whole seconds without decimals. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(1))} s`;
}

/**
 * The message for a request stopped after `timeoutMs` (ms) in `stage`. `limit` names the knob
 * that sets the time limit where the user is (the setting in the editor, `--timeout` in the CLI).
 * `abandoned`: the worker runs onnxruntime-node, whose thread cannot be stopped mid-run, so it
 * was left to finish in the background (see InferenceClient). `l10n` words it in the display
 * language (English by default).
 */
export function timeoutMessage(stage: RequestStage, timeoutMs: number, limit: string, abandoned = false, l10n: Translator = ENGLISH): string {
  const after = formatSeconds(timeoutMs);
  // Whole sentences per stage, so a translation can order them as its language needs.
  const stopped =
    stage === 'load'
      ? l10n.t('Attention Lens stopped the model after {0} while it was loading (stage: load). Check the model, or raise {1} if it is large and just slow to load.', after, limit)
      : stage === 'tokenize'
        ? l10n.t(
            'Attention Lens stopped the model after {0} while the tokenizer was splitting the text (stage: tokenize). Select less text, raise {1}, or check the tokenizer (tokenizer.json: its split patterns and normalizers).',
            after,
            limit,
          )
        : l10n.t('Attention Lens stopped the model after {0} while it was running (stage: run). Select less text, raise {1}, or check the model.', after, limit);
  if (!abandoned) return stopped;
  return `${stopped} ${l10n.t('The native runtime cannot be interrupted: its thread was left to finish in the background, and the next run starts a fresh one.')}`;
}

/** The message for a request the user cancelled while it was in `stage`. */
export function cancelledMessage(stage: RequestStage, l10n: Translator = ENGLISH): string {
  if (stage === 'load') return l10n.t('The run was cancelled while it was loading (stage: load).');
  if (stage === 'tokenize') return l10n.t('The run was cancelled while the tokenizer was splitting the text (stage: tokenize).');
  return l10n.t('The run was cancelled while it was running (stage: run).');
}
