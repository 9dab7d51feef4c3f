/** The webview's typed handle on the extension host (VS Code's acquireVsCodeApi). */
import type { FromWebviewMessage } from '../src/shared/protocol';

interface VsCodeApi<State> {
  postMessage(message: FromWebviewMessage): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export type Host<State> = VsCodeApi<State>;

export function connectHost<State>(): Host<State> {
  return acquireVsCodeApi<State>();
}
