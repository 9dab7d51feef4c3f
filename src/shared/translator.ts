/**
 * How shared code words a sentence in the display language without importing `vscode` or the
 * DOM: the caller passes its translator (`vscode.l10n` on the host, webview/l10n.ts's `l10n` in
 * a webview), named `l10n` so that its `l10n.t` calls here are found by the bundle check in
 * test/unit/manifest.test.ts. Messages are the English text with `{0}`, `{1}`… placeholders, the
 * format of `vscode.l10n.t`.
 */
export interface Translator {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** English: the message with its `{n}` placeholders filled (the CLI, tests, the HTML report). */
export const ENGLISH: Translator = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match)),
};
