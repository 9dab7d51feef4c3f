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
      { choice: 'bundled', label: vscode.l10n.t('Bundled model'), description: current ? undefined : vscode.l10n.t('current'), detail: vscode.l10n.t('The small code model that ships with Attention Lens.') },
      {
        choice: 'folder',
        label: vscode.l10n.t('Choose a folder…'),
        description: current || undefined,
        detail: vscode.l10n.t('Any ONNX Transformer: a folder with {0} and {1} (config.json optional).', MODEL_FILE, TOKENIZER_FILE),
      },
    ],
    { title: vscode.l10n.t('Attention Lens: Select Model') },
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
      openLabel: vscode.l10n.t('Use This Model'),
      title: vscode.l10n.t('Folder with {0} and {1}', MODEL_FILE, TOKENIZER_FILE),
      ...(current ? { defaultUri: vscode.Uri.file(current) } : {}),
    })) ?? [];
  if (!uri) return;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t("Attention Lens: {0} is not on this machine's disk; choose a local folder.", uri.toString()));
    return;
  }
  const missing = await missingModelFiles(uri.fsPath);
  if (missing.length > 0) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        "Attention Lens: {0} has no {1}. A model folder needs {2} (the ONNX export) and {3} (from the model's Hugging Face repository) side by side.",
        uri.fsPath,
        missing.join(vscode.l10n.t(' and ')),
        MODEL_FILE,
        TOKENIZER_FILE,
      ),
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
  const what = folder ? vscode.l10n.t('the model in {0}', folder) : vscode.l10n.t('the bundled model');
  if (workspaceValue !== undefined && vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Attention Lens: saved {0} in your user settings, but this workspace sets attentionLens.modelFolder to "{1}", which takes precedence. Remove it from the workspace settings to use your choice here.',
        what,
        workspaceValue,
      ),
    );
    return;
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('Attention Lens: using {0} for the next Show Attention.', what));
}
