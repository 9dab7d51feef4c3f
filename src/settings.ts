/** Reads and validates Attention Lens settings; invalid values fall back to defaults. */
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS, MAX_REQUEST_TIMEOUT_SECONDS, MIN_REQUEST_TIMEOUT_SECONDS } from './inference/requestTimeout';

export type BackendSetting = 'auto' | 'native' | 'wasm' | 'webgpu';
export type DefaultAggregate = 'head' | 'mean' | 'max';
/** Which head a new run opens on (attention/informativeHeadChooser.ts takes the same values). */
export type OpenOn = 'mostInformativeHead' | 'chosenHead';

export const BACKENDS: readonly BackendSetting[] = ['auto', 'native', 'wasm', 'webgpu'];
export const AGGREGATES: readonly DefaultAggregate[] = ['head', 'mean', 'max'];
export const OPEN_ON: readonly OpenOn[] = ['mostInformativeHead', 'chosenHead'];

export interface Settings {
  /** Folder with model.onnx + tokenizer.json; undefined means the bundled model. */
  readonly modelFolder: string | undefined;
  readonly threads: number;
  readonly maxTokens: number;
  /** Requested inference backend: native or WASM in the worker, or WebGPU in the panel (see inference/engineChoice.ts). */
  readonly backend: BackendSetting;
  /** What a view shows before the user picks a head: head 0, or the mean/max over heads. */
  readonly defaultAggregate: DefaultAggregate;
  /** Which head a new run opens on (see attention/informativeHeadChooser.ts). */
  readonly openOn: OpenOn;
  /** Re-run the model on the analysed span after edits (debounced). */
  readonly liveRerun: boolean;
  /** Leave special tokens and the first token (attention sinks) out of hovers and shading. */
  readonly hideSinkTokens: boolean;
  /** Time limit of each worker request (model load; tokenize and run), in seconds. */
  readonly requestTimeoutSeconds: number;
}

function integerIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The levels a setting may come from, as `WorkspaceConfiguration.inspect` reports them. */
export interface SettingLevels<T> {
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/**
 * The value a setting takes given workspace trust. In an untrusted workspace only the user-level
 * value counts: a cloned repository's `.vscode/settings.json` must not choose the model path, nor
 * raise `maxTokens`/`threads`/`requestTimeoutSeconds` or pick a backend to make the extension do
 * more work than the user asked for. `undefined` means "use the default".
 */
export function trustedSettingValue<T>(levels: SettingLevels<T> | undefined, trusted: boolean): T | undefined {
  return trusted ? (levels?.workspaceFolderValue ?? levels?.workspaceValue ?? levels?.globalValue) : levels?.globalValue;
}

/** The model folder to use (see {@link trustedSettingValue}); blank means the bundled model. */
export function pickModelFolder(levels: SettingLevels<unknown> | undefined, trusted: boolean): string | undefined {
  const value = trustedSettingValue(levels, trusted);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('attentionLens');
  const trusted = vscode.workspace.isTrusted;
  const levelled = (key: string): unknown => trustedSettingValue(config.inspect<unknown>(key), trusted);
  const autoThreads = Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
  const threads = levelled('threads') ?? 0;
  return {
    modelFolder: pickModelFolder(config.inspect<string>('modelFolder'), trusted),
    threads: threads === 0 ? autoThreads : integerIn(threads, 1, 16, autoThreads),
    maxTokens: integerIn(levelled('maxTokens') ?? 512, 2, 8192, 512),
    backend: oneOf(levelled('backend'), BACKENDS, 'auto'),
    defaultAggregate: oneOf(config.get('defaultAggregate'), AGGREGATES, 'head'),
    openOn: oneOf(config.get('openOn'), OPEN_ON, 'mostInformativeHead'),
    liveRerun: config.get('liveRerun') === true,
    hideSinkTokens: config.get('hideSinkTokens') === true,
    requestTimeoutSeconds: integerIn(
      levelled('requestTimeoutSeconds') ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
      MIN_REQUEST_TIMEOUT_SECONDS,
      MAX_REQUEST_TIMEOUT_SECONDS,
      DEFAULT_REQUEST_TIMEOUT_SECONDS,
    ),
  };
}
