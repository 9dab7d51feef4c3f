/** Entry point: wires the services, views and commands together. Nothing else lives here. */
import * as vscode from 'vscode';
import { Analyzer } from './attention/analyzer';
import { ResultStore } from './attention/resultStore';
import { showAttention, type ShowAttentionDeps } from './commands/showAttention';
import { selectModel } from './commands/selectModel';
import { InferenceClient } from './inference/inferenceClient';
import { AttentionPanel, type PanelEvents } from './views/attentionPanel';
import { revealToken } from './editor/revealToken';

/** What the extension exports to other extensions and to its own integration tests. */
export interface AttentionLensApi {
  readonly store: ResultStore;
  /** The last paint time the panel reported, per run. */
  readonly paintTimes: ReadonlyMap<number, number>;
}

export function activate(context: vscode.ExtensionContext): AttentionLensApi {
  const log = vscode.window.createOutputChannel('Attention Lens', { log: true });
  const store = new ResultStore();
  let warnedWorkerExit = false;
  const client = new InferenceClient(
    context.asAbsolutePath('dist/worker.js'),
    context.asAbsolutePath('dist/ort'),
    (reason) => {
      log.warn(`inference worker stopped: ${reason}`);
      if (!warnedWorkerExit) {
        warnedWorkerExit = true;
        void vscode.window.showWarningMessage(`Attention Lens: the inference worker stopped (${reason}); it restarts on the next run.`);
      }
    },
  );
  const paintTimes = new Map<number, number>();
  const panelEvents: PanelEvents = {
    onPainted: (runId, paintMs) => {
      paintTimes.set(runId, paintMs);
      log.info(`run ${runId}: painted in ${paintMs.toFixed(1)} ms`);
    },
    onRevealToken: (runId, index) => revealToken(store, runId, index),
  };
  const deps: ShowAttentionDeps = {
    extensionUri: context.extensionUri,
    analyzer: new Analyzer(client, store, log),
    store,
    panelEvents,
    bundledModelFolder: context.asAbsolutePath('media/model'),
    log,
  };
  context.subscriptions.push(
    log,
    store,
    { dispose: () => client.dispose() },
    vscode.commands.registerCommand('attentionLens.showAttention', () => showAttention(deps)),
    vscode.commands.registerCommand('attentionLens.selectModel', selectModel),
    AttentionPanel.registerSerializer(context.extensionUri, store, panelEvents),
  );
  return { store, paintTimes };
}

export function deactivate(): void {}
