/** Holds the latest Show Attention run; every view reads the same one. */
import * as vscode from 'vscode';
import type { AttentionRun } from './attentionRun';

export class ResultStore implements vscode.Disposable {
  private current: AttentionRun | undefined;
  private readonly changed = new vscode.EventEmitter<AttentionRun | undefined>();
  readonly onDidChange = this.changed.event;

  get latest(): AttentionRun | undefined {
    return this.current;
  }

  set(run: AttentionRun): void {
    this.current = run;
    this.changed.fire(run);
  }

  get(runId: number): AttentionRun | undefined {
    return this.current?.runId === runId ? this.current : undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
