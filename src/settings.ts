/** Reads and validates Attention Lens settings; invalid values fall back to defaults. */
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';

export interface Settings {
  /** Folder with model.onnx + tokenizer.json; undefined means the bundled model. */
  readonly modelFolder: string | undefined;
  readonly threads: number;
  readonly maxTokens: number;
}

function integerIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('attentionLens');
  // In an untrusted workspace only user-level settings may point at a model to load.
  const folder = vscode.workspace.isTrusted
    ? config.get<string>('modelFolder')
    : config.inspect<string>('modelFolder')?.globalValue;
  const autoThreads = Math.min(4, Math.max(1, Math.floor(availableParallelism() / 2)));
  const threads = config.get<number>('threads', 0);
  return {
    modelFolder: typeof folder === 'string' && folder.trim() !== '' ? folder.trim() : undefined,
    threads: threads === 0 ? autoThreads : integerIn(threads, 1, 16, autoThreads),
    maxTokens: integerIn(config.get('maxTokens'), 2, 8192, 512),
  };
}
