/** Entry point: wires the services, views and commands together. Nothing else lives here. */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { Analyzer } from './attention/analyzer';
import { InformativeHeadChooser } from './attention/informativeHeadChooser';
import type { ResultStore } from './attention/resultStore';
import type { AttentionRun } from './attention/attentionRun';
import { ShownHead, defaultSelector } from './attention/shownHead';
import { ViewWorkerClient, type ViewWorkerStats } from './attention/viewWorkerClient';
import { CancellableResultStore, rerunSpan, showAttention, type ShowAttentionDeps } from './commands/showAttention';
import { selectModel } from './commands/selectModel';
import { OPEN_ATTENTION_FILE_COMMAND, openAttentionFile } from './commands/openAttentionFile';
import { AttentionDecorations, type ShadingSnapshot } from './editor/attentionDecorations';
import { CursorFocus, type FocusedToken } from './editor/cursorFocus';
import { CutMarker, type CutMarkerSnapshot } from './editor/cutMarker';
import { AttentionHoverProvider, OPEN_PANEL_COMMAND, REVEAL_TOKEN_COMMAND } from './editor/hoverProvider';
import { MatrixCache } from './editor/matrixCache';
import { revealToken } from './editor/revealToken';
import { StaleTracker } from './editor/staleTracking';
import { FallbackNotices, fallbackMessage } from './inference/engineChoice';
import { resolveNative } from './inference/nativePresence';
import { InferenceClient, type InferenceTestHooks } from './inference/inferenceClient';
import { InferenceEngines } from './inference/inferenceEngines';
import { WebGpuEngine } from './inference/webGpuEngine';
import { readSettings } from './settings';
import { EXPORT_FORMATS } from './shared/protocol';
import { AttentionStatusBar } from './statusBar';
import { AttentionPanel } from './views/attentionPanel';
import { PaintGate } from './views/paintGate';
import { AttentionFileEditorProvider, type AttentionFileEditorState } from './views/attentionFileEditor';
import { AttentionSideView, type SideViewState } from './views/sideView';
import { answerDataRequest, type ViewContext } from './views/viewBackend';
import { writeExport } from './views/saveExport';
import type { SaveExportMessage, ViewReply, ViewRequest } from './shared/protocol';
import { registerWalkthrough } from './walkthrough';

/** What the extension exports to other extensions. */
export interface AttentionLensApi {
  /** Runs Show Attention on the active editor, as the command does, and resolves with the run. */
  showAttention(): Promise<AttentionRun | undefined>;
  readonly store: ResultStore;
  /** The layer/head (or aggregate) every view shows. */
  readonly shownHead: ShownHead;
}

/**
 * What the extension's own integration tests see in addition: exported only when VS Code runs
 * the extension for its tests (ExtensionMode.Test), never to other extensions.
 */
export interface AttentionLensTestApi extends AttentionLensApi {
  /** The last paint time the panel reported, per run. */
  readonly paintTimes: ReadonlyMap<number, number>;
  /** The editor side: staleness, the token under the cursor, the shading drawn right now. */
  readonly editor: {
    readonly stale: boolean;
    /** The latest run's document is closed. */
    readonly closed: boolean;
    /** Where a truncated run's cut is marked, if it is. */
    readonly cut: CutMarkerSnapshot | undefined;
    readonly focused: FocusedToken | undefined;
    readonly shading: ShadingSnapshot;
  };
  readonly sideView: SideViewState;
  /** Attention files opened, and the last read error and note. */
  readonly attentionFiles: AttentionFileEditorState;
  readonly statusBarText: string;
  /** The inference worker, for the integration tests: pending requests, live workers, a kill switch. */
  readonly inference: InferenceTestHooks;
  /** The view worker: threads started, requests in flight. */
  readonly viewWorker: ViewWorkerStats;
  /** Answers a view's data request as the panel's and the side view's backend does. */
  answerViewRequest(request: ViewRequest): Promise<ViewReply | undefined>;
  /** Writes an export of a held run to `target` as the panel's export does after its save dialog. */
  writeExport(message: SaveExportMessage, target: vscode.Uri): Promise<void>;
}

/** What the Show Attention command resolves with. */
export interface ShowAttentionReply {
  readonly runId: number;
  readonly tokens: number;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function activate(context: vscode.ExtensionContext): AttentionLensApi {
  const log = vscode.window.createOutputChannel('Attention Lens', { log: true });
  const store = new CancellableResultStore();
  const shownHead = new ShownHead(defaultSelector(readSettings().defaultAggregate));
  let warnedWorkerExit = false;
  const client = new InferenceClient(
    context.asAbsolutePath('dist/worker.js'),
    context.asAbsolutePath('dist/ort'),
    (reason) => {
      log.warn(`inference worker stopped: ${reason}`);
      if (!warnedWorkerExit) {
        warnedWorkerExit = true;
        void vscode.window.showWarningMessage(vscode.l10n.t('Attention Lens: the inference worker stopped ({0}); it restarts on the next run.', reason));
      }
    },
    { timeoutMs: () => readSettings().requestTimeoutSeconds * 1000, limitName: 'attentionLens.requestTimeoutSeconds', l10n: vscode.l10n },
  );
  // Looked up once: a platform package (or a development checkout) carries onnxruntime-node.
  const nativePresent = resolveNative(context.asAbsolutePath('dist')).length > 0;
  log.info(nativePresent ? 'onnxruntime-node is present: backend "auto" runs the native runtime in a worker process' : 'onnxruntime-node is not in this package: backend "auto" runs WASM');
  const webGpu = new WebGpuEngine(client, () => readFile(context.asAbsolutePath('dist/ort/ort-wasm-simd-threaded.asyncify.wasm')));
  const notices = new FallbackNotices();
  const engines = new InferenceEngines(client, webGpu, () => AttentionPanel.open?.webGpu, (reason) => {
    log.warn(`WebGPU unavailable, running on WASM: ${reason}`);
    if (notices.firstTime(reason)) void vscode.window.showInformationMessage(fallbackMessage(reason, 'WebGPU', vscode.l10n));
  }, (reason, requested) => {
    // Logged always; shown once when `native` was asked for by name.
    if (notices.firstTime(`native: ${reason}`)) log.info(`native runtime unavailable, running on WASM: ${reason}`);
    if (requested === 'native' && notices.firstTime(`native notice: ${reason}`)) {
      void vscode.window.showInformationMessage(fallbackMessage(reason, 'The native runtime', vscode.l10n));
    }
  }, () => nativePresent);
  const paintTimes = new Map<number, number>();
  const paintGate = new PaintGate(() => AttentionPanel.open?.visible ?? false);
  const tracker = new StaleTracker(store, (document, start, end) => void rerunSpan(deps, document, start, end));
  const matrices = new MatrixCache();
  const viewWorker = new ViewWorkerClient(context.asAbsolutePath('dist/viewWorker.js'));
  const views: ViewContext = {
    store,
    shownHead,
    matrices,
    viewWorker,
    revealToken: (runId, index) => void revealToken(tracker, runId, index),
    painted: (view, runId, paintMs) => {
      if (view === 'side') {
        sideView.painted(runId);
        return;
      }
      if (view === 'panel') paintGate.markPainted(runId);
      paintTimes.set(runId, paintMs);
      log.info(`run ${runId}: painted in ${paintMs.toFixed(1)} ms`);
    },
  };
  const deps: ShowAttentionDeps = {
    extensionUri: context.extensionUri,
    analyzer: new Analyzer(engines, store, log),
    store,
    views,
    bundledModelFolder: context.asAbsolutePath('media/model'),
    log,
    cancelRun: () => client.cancel(),
  };
  const informativeHead = new InformativeHeadChooser({
    shownHead,
    scoresOf: (run) => viewWorker.scores(run),
    latest: () => store.latest,
    openOn: () => readSettings().openOn,
    note: (head) =>
      vscode.l10n.t(
        'Opened on layer {0} · head {1}, the strongest {2} head of this run (score {3}). Pick any head to keep it for later runs.',
        head.layer,
        head.head,
        head.pattern === 'previous' ? vscode.l10n.t('previous-token') : head.pattern === 'bracket' ? vscode.l10n.t('bracket') : vscode.l10n.t('induction'),
        head.score.toFixed(2),
      ),
  });
  const focus = new CursorFocus(tracker);
  const decorations = new AttentionDecorations(tracker, focus, shownHead, matrices, (runId) => paintGate.wait(runId));
  const cutMarker = new CutMarker(tracker);
  const sideView = new AttentionSideView(context.extensionUri, views, tracker, focus);
  const statusBar = new AttentionStatusBar(store, tracker, OPEN_PANEL_COMMAND);
  const attentionFiles = new AttentionFileEditorProvider(context.extensionUri, views);
  context.subscriptions.push(
    log,
    store,
    shownHead,
    tracker,
    focus,
    decorations,
    paintGate,
    cutMarker,
    sideView,
    statusBar,
    { dispose: () => client.dispose() },
    { dispose: () => viewWorker.dispose() },
    store.onDidChange((run) => run && shownHead.fit(run.model.layers, run.model.heads)),
    store.onDidChange((run) => run && void informativeHead.onRun(run)),
    informativeHead,
    store.onDidChange((run) => viewWorker.keepOnly(run)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('attentionLens.defaultAggregate')) shownHead.set(defaultSelector(readSettings().defaultAggregate), 'settings');
    }),
    // The command answers with a small reply, never the run: a command's result is serialised
    // (as JSON) to whoever ran it, which for the palette and keybindings is the workbench, and a
    // run holds megabytes of attention (117 MB of JSON at 512 tokens).
    vscode.commands.registerCommand('attentionLens.showAttention', async (): Promise<ShowAttentionReply | undefined> => {
      const run = await showAttention(deps);
      return run && { runId: run.runId, tokens: run.tokens.length };
    }),
    vscode.commands.registerCommand('attentionLens.selectModel', selectModel),
    vscode.commands.registerCommand(OPEN_ATTENTION_FILE_COMMAND, (target: unknown) => openAttentionFile(attentionFiles, target)),
    AttentionFileEditorProvider.register(attentionFiles),
    vscode.commands.registerCommand('attentionLens.toggleShading', () => {
      const on = decorations.toggle();
      vscode.window.setStatusBarMessage(`Attention Lens: shading ${on ? 'on' : 'off'}`, 2000);
      return on;
    }),
    vscode.commands.registerCommand(REVEAL_TOKEN_COMMAND, (runId: unknown, index: unknown) =>
      isIndex(runId) && isIndex(index) ? revealToken(tracker, runId, index) : undefined,
    ),
    vscode.commands.registerCommand(OPEN_PANEL_COMMAND, (runId: unknown, index: unknown) => {
      const panel = AttentionPanel.show(context.extensionUri, views);
      // Pin the token in the panel, and put the cursor on it for the views that follow the editor.
      if (isIndex(runId) && isIndex(index)) {
        panel.focusToken(runId, index);
        void revealToken(tracker, runId, index);
      }
    }),
    AttentionPanel.registerSerializer(context.extensionUri, views, tracker),
    ...EXPORT_FORMATS.map((format) =>
      vscode.commands.registerCommand(`attentionLens.export${format[0].toUpperCase()}${format.slice(1)}`, () => {
        const panel = AttentionPanel.open;
        if (panel) panel.requestExport(format);
        else void vscode.window.showInformationMessage(vscode.l10n.t('Attention Lens: open the panel (run Show Attention) to export.'));
      }),
    ),
    AttentionSideView.register(sideView),
    vscode.languages.registerHoverProvider('*', new AttentionHoverProvider(tracker, shownHead, matrices)),
    registerWalkthrough(context, store, shownHead, (run) => viewWorker.scores(run)),
  );
  const api: AttentionLensApi = { showAttention: () => showAttention(deps), store, shownHead };
  if (context.extensionMode !== vscode.ExtensionMode.Test) return api;
  const testApi: AttentionLensTestApi = {
    ...api,
    paintTimes,
    get editor() {
      return { stale: tracker.stale, closed: tracker.closed, cut: cutMarker.snapshot, focused: focus.focused, shading: decorations.snapshot };
    },
    get sideView() {
      return sideView.state;
    },
    get attentionFiles() {
      return attentionFiles.state;
    },
    get statusBarText() {
      return statusBar.text;
    },
    inference: client.testHooks,
    get viewWorker() {
      return viewWorker.stats;
    },
    answerViewRequest: (request) => answerDataRequest(views, request),
    writeExport: async (message, target) => {
      const run = store.get(message.runId);
      if (!run) throw new Error(`run ${message.runId} is not held`);
      await writeExport(message, run, target, viewWorker);
    },
  };
  return testApi;
}

export function deactivate(): void {}
