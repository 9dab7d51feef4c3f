/**
 * Writes a single self-contained HTML file that shows a result with the extension's own panel
 * webview (dist/webview.js) and styles, served by dist/report.js from data embedded in the page.
 * No network: every script and style is inline and pinned by hash in the page's CSP.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultSummary } from '../shared/protocol';
import type { ReportData } from '../shared/reportData';

/** Default values for the --vscode-* variables the webview styles use, light and dark (the
 *  attention colours are package.json's contributed defaults). */
const THEME_CSS = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;
--vscode-editor-font-family:ui-monospace,Menlo,Consolas,monospace;--vscode-editor-font-size:13px;
--vscode-foreground:#1f1f1f;--vscode-descriptionForeground:#616161;--vscode-editor-background:#ffffff;
--vscode-panel-border:#e5e5e5;--vscode-focusBorder:#005fb8;--vscode-dropdown-background:#ffffff;
--vscode-dropdown-foreground:#1f1f1f;--vscode-dropdown-border:#cecece;--vscode-errorForeground:#c72e0f;
--vscode-textPreformat-foreground:#a31515;--vscode-editorInfo-foreground:#1a85ff;
--vscode-editorIndentGuide-background:#d3d3d3;--vscode-button-background:#005fb8;--vscode-button-foreground:#ffffff;
--vscode-badge-background:#cccccc;--vscode-badge-foreground:#3b3b3b;
--vscode-attentionLens-attention1:#c864001f;--vscode-attentionLens-attention2:#c8640033;--vscode-attentionLens-attention3:#c864004d;--vscode-attentionLens-attention4:#c864006b;--vscode-attentionLens-attention5:#c864008c;--vscode-attentionLens-attentionRuler:#c86400cc}
@media (prefers-color-scheme: dark){:root{--vscode-foreground:#cccccc;--vscode-descriptionForeground:#9d9d9d;
--vscode-editor-background:#1f1f1f;--vscode-panel-border:#2b2b2b;--vscode-dropdown-background:#313131;
--vscode-dropdown-foreground:#cccccc;--vscode-dropdown-border:#3c3c3c;--vscode-textPreformat-foreground:#d7ba7d;
--vscode-editorIndentGuide-background:#404040;
--vscode-badge-background:#616161;--vscode-badge-foreground:#f8f8f8;
--vscode-attentionLens-attention1:#ffa50024;--vscode-attentionLens-attention2:#ffa5003d;--vscode-attentionLens-attention3:#ffa5005c;--vscode-attentionLens-attention4:#ffa50080;--vscode-attentionLens-attention5:#ffa500a8;--vscode-attentionLens-attentionRuler:#ffa500cc}}`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function base64(layer: Float32Array): string {
  return Buffer.from(layer.buffer, layer.byteOffset, layer.byteLength).toString('base64');
}

export async function writeHtmlReport(
  path: string,
  summary: ResultSummary,
  attention: readonly Float32Array[],
  distDir: string,
  meta: ReportData['meta'],
): Promise<void> {
  const [webviewJs, reportJs, panelCss] = await Promise.all([
    readFile(join(distDir, 'webview.js'), 'utf8'),
    readFile(join(distDir, 'report.js'), 'utf8'),
    readFile(join(distDir, '..', 'media', 'webview.css'), 'utf8'),
  ]);
  const report: ReportData = { summary, meta, attention: attention.map(base64) };
  const data = scriptJson(report);
  const style = `${THEME_CSS}\n${panelCss}`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(reportJs)} ${sha256(webviewJs)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
  ].join('; ');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Attention Lens — ${summary.source.replace(/[<&"]/g, '')}</title>
<style>${style}</style>
</head>
<body data-view="report">
<div id="app"></div>
<script type="application/json" id="attention-lens-data">${data}</script>
<script>${reportJs}</script>
<script>${webviewJs}</script>
</body>
</html>
`;
  await writeFile(path, html);
}
