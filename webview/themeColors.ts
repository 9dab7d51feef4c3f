/** Theme colours as the webview sees them: VS Code sets every theme colour as a --vscode-* variable. */

/** The value of a CSS variable on the body, or `fallback` when the theme does not set it. */
export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}
