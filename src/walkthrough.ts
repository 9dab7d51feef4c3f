/**
 * The Get Started walkthrough (`contributes.walkthroughs` in package.json): opens it once after
 * install, runs its buttons, and sets the context keys its steps complete on, so that each step is
 * checked off when the user does the thing it teaches, however they do it.
 */
import * as vscode from 'vscode';
import type { ResultStore } from './attention/resultStore';
import type { ShownHead } from './attention/shownHead';
import { patternOfTopHead } from './attention/patternHeads';
import type { AttentionRun } from './attention/attentionRun';
import {
  OPEN_SAMPLE_COMMAND,
  RESET_WALKTHROUGH_COMMAND,
  SHOW_ATTENTION_ON_SAMPLE_COMMAND,
  WALKTHROUGH,
  WALKTHROUGH_CONTEXT_KEYS,
} from './walkthroughIds';

const SHOWN_KEY = 'attentionLens.walkthroughShown';
/** VS Code's own switch for opening an extension's walkthrough when it is installed. */
const OPEN_ON_INSTALL = 'workbench.welcomePage.walkthroughs.openOnInstall';
const SAMPLE_PATH = 'media/walkthrough/sample.ts';

function setContext(key: string): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

/** Opens the bundled sample as an untitled document, beside the walkthrough when it is open. */
async function openSample(context: vscode.ExtensionContext): Promise<vscode.TextEditor | undefined> {
  const uri = vscode.Uri.joinPath(context.extensionUri, SAMPLE_PATH);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    const message = vscode.l10n.t(
      'Attention Lens: the sample {0} could not be read ({1}). Reinstall the extension, or open a file of your own.',
      uri.fsPath,
      error instanceof Error ? error.message : String(error),
    );
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: new TextDecoder().decode(bytes) });
  // With no text editor active, the walkthrough (or another non-text editor) has the focus: keep it in view.
  const beside = vscode.window.activeTextEditor === undefined && vscode.window.tabGroups.activeTabGroup.activeTab !== undefined;
  return vscode.window.showTextDocument(document, { viewColumn: beside ? vscode.ViewColumn.Beside : undefined, preview: false });
}

/**
 * The walkthrough's Show Attention button: its click leaves the walkthrough focused, so focus a
 * text editor first (the active one, else a visible one, else the sample) and run the command there.
 */
async function showAttentionOnSample(context: vscode.ExtensionContext): Promise<unknown> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0] ?? (await openSample(context));
  if (!editor) return undefined;
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, selection: editor.selection, preview: false });
  return vscode.commands.executeCommand('attentionLens.showAttention');
}

/** Opens the walkthrough the first time the extension starts after install, unless the user turned that off. */
async function openOnce(context: vscode.ExtensionContext): Promise<void> {
  if (context.globalState.get<boolean>(SHOWN_KEY)) return;
  if (!vscode.workspace.getConfiguration().get<boolean>(OPEN_ON_INSTALL, true)) return;
  await context.globalState.update(SHOWN_KEY, true);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
}

/** Registers the walkthrough's commands and completion tracking; the returned disposable undoes both. */
/**
 * @param scoresOf head scores of a run, Float32 [layer][head][score] as headBadges() gives them,
 *   computed off the extension host's thread (the view worker); undefined when unavailable.
 */
export function registerWalkthrough(
  context: vscode.ExtensionContext,
  store: ResultStore,
  shownHead: ShownHead,
  scoresOf: (run: AttentionRun) => Promise<Float32Array | undefined>,
): vscode.Disposable {
  const disposables: vscode.Disposable[] = [
    vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, () => openSample(context).then(() => undefined)),
    vscode.commands.registerCommand(SHOW_ATTENTION_ON_SAMPLE_COMMAND, () => showAttentionOnSample(context)),
    store.onDidChange((run) => run && setContext(WALKTHROUGH_CONTEXT_KEYS.ranShowAttention)),
    shownHead.onDidChange(({ selector, source }) => {
      // Only a pick the user made in a view counts; a new run or a setting also moves the selection.
      if (source !== 'panel' && source !== 'side') return;
      setContext(WALKTHROUGH_CONTEXT_KEYS.pickedHead);
      const run = store.latest;
      if (!run || typeof selector.head !== 'number') return;
      const head = { layer: selector.layer, head: selector.head };
      // The scores the Model view sorts by, cached per run in the view worker (shared with the panel's requests).
      void scoresOf(run).then((scores) => {
        if (scores && patternOfTopHead(scores, run.model.layers, run.model.heads, head)) setContext(WALKTHROUGH_CONTEXT_KEYS.foundPatternHead);
      });
    }),
  ];
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    disposables.push(vscode.commands.registerCommand(RESET_WALKTHROUGH_COMMAND, () => context.globalState.update(SHOWN_KEY, undefined)));
  }
  void openOnce(context).catch(() => undefined);
  return vscode.Disposable.from(...disposables);
}
