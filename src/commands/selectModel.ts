/** The Select Model… command: point `attentionLens.modelFolder` at a model folder, or back to the bundled model. */
import * as vscode from 'vscode';
import { MODEL_FILE, TOKENIZER_FILE, missingModelFiles } from '../inference/modelFolder';

const SETTING = 'modelFolder';

interface Choice extends vscode.QuickPickItem {
  readonly choice: 'bundled' | 'folder';
}

export async function selectModel(): Promise<void> {
  const current = vscode.workspace.getConfiguration('attentionLens').inspect<string>(SETTING)?.globalValue?.trim();
  const picked = await vscode.window.showQuickPick<Choice>(
    [
      { choice: 'bundled', label: 'Bundled model', description: current ? undefined : 'current', detail: 'The small code model that ships with Attention Lens.' },
      {
        choice: 'folder',
        label: 'Choose a folder…',
        description: current || undefined,
        detail: `Any ONNX Transformer: a folder with ${MODEL_FILE} and ${TOKENIZER_FILE} (config.json optional).`,
      },
    ],
    { title: 'Attention Lens: Select Model' },
  );
  if (picked?.choice === 'bundled') await useFolder(undefined);
  if (picked?.choice === 'folder') await chooseFolder(current);
}

async function chooseFolder(current: string | undefined): Promise<void> {
  const [uri] =
    (await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use This Model',
      title: `Folder with ${MODEL_FILE} and ${TOKENIZER_FILE}`,
      ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
    })) ?? [];
  if (!uri) return;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Attention Lens: ${uri.toString()} is not on this machine's disk; choose a local folder.`);
    return;
  }
  const missing = await missingModelFiles(uri.fsPath);
  if (missing.length > 0) {
    void vscode.window.showErrorMessage(
      `Attention Lens: ${uri.fsPath} has no ${missing.join(' and ')}. A model folder needs ${MODEL_FILE} (the ONNX export) ` +
        `and ${TOKENIZER_FILE} (from the model's Hugging Face repository) side by side.`,
    );
    return;
  }
  await useFolder(uri.fsPath);
}

/** Points the user setting back at the bundled model (the "Use Bundled Model" action). */
export function useBundledModel(): Promise<void> {
  return useFolder(undefined);
}

/** Writes the user setting (undefined: the bundled model) and warns when a workspace setting overrides it. */
async function useFolder(folder: string | undefined): Promise<void> {
  const config = vscode.workspace.getConfiguration('attentionLens');
  await config.update(SETTING, folder, vscode.ConfigurationTarget.Global);
  const override = config.inspect<string>(SETTING);
  const workspaceValue = override?.workspaceFolderValue ?? override?.workspaceValue;
  const what = folder ? `the model in ${folder}` : 'the bundled model';
  if (workspaceValue !== undefined && vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      `Attention Lens: saved ${what} in your user settings, but this workspace sets attentionLens.modelFolder to "${workspaceValue}", which takes precedence. Remove it from the workspace settings to use your choice here.`,
    );
    return;
  }
  void vscode.window.showInformationMessage(`Attention Lens: using ${what} for the next Show Attention.`);
}
