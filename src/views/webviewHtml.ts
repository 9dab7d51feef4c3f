/** The HTML shell shared by Attention Lens webviews: strict CSP, nonce script, theme-aware CSS. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Resource roots a webview may load from: the extension's own bundles and media, nothing else. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
}

/** The bundle (under dist/) each view loads: esbuild.mjs builds one per entry. */
export const VIEW_SCRIPTS = { panel: 'webview', side: 'side' } as const;

/**
 * The HTML of a webview: `view` goes to body[data-view]; `script` names the bundle to load
 * (dist/<script>.js), by default the view's own.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  view: 'panel' | 'side',
  script: string = VIEW_SCRIPTS[view],
): string {
  if (!/^[\w-]+$/.test(script)) throw new Error(`not a bundle name: ${script}`);
  const nonce = randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', `${script}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  // The panel may run the model on WebGPU: onnxruntime compiles wasm there, which needs
  // 'wasm-unsafe-eval' and nothing more (no eval, no fetch: runtime and model arrive as messages).
  const wasm = view === 'panel' ? " 'wasm-unsafe-eval'" : '';
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'${wasm}`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  // The display language's strings for the webview (webview/l10n.ts), as an attribute: no inline script.
  const strings = escapeAttribute(JSON.stringify(vscode.l10n.bundle ?? {}));
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Attention Lens</title>
</head>
<body data-view="${view}" data-l10n="${strings}">
<div id="app"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

/** `text` safe inside a double-quoted HTML attribute. */
function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
