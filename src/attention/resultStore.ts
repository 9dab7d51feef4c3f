/** Holds the latest Show Attention run; every view reads the same one. A run kept on disk
 *  (storedLayers.ts) has its files removed once another run replaces it. */
import * as vscode from 'vscode';
import type { AttentionRun } from './attentionRun';
import { removeStoredAttention } from './storedLayers';

export class ResultStore implements vscode.Disposable {
  private current: AttentionRun | undefined;
  private readonly changed = new vscode.EventEmitter<AttentionRun | undefined>();
  readonly onDidChange = this.changed.event;

  get latest(): AttentionRun | undefined {
    return this.current;
  }

  set(run: AttentionRun): void {
    const previous = this.current;
    this.current = run;
    this.changed.fire(run);
    if (previous?.stored && previous !== run) removeStoredAttention(previous.stored);
  }

  get(runId: number): AttentionRun | undefined {
    return this.current?.runId === runId ? this.current : undefined;
  }

  dispose(): void {
    this.changed.dispose();
    if (this.current?.stored) removeStoredAttention(this.current.stored);
  }
}
