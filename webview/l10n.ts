/**
 * The webviews' translated strings. The host puts its l10n bundle (`vscode.l10n.bundle`: the
 * `l10n/bundle.l10n.<language>.json` of the display language, or nothing for English) on
 * `body[data-l10n]`; `l10n.t(…)` looks each message up by its English text and fills `{0}`, `{1}`…
 * as `vscode.l10n.t` does on the host. Where no bundle is given (the HTML report, notebooks) the
 * English text is used.
 *
 * Written here rather than taken from `@vscode/l10n`: that library can also load a bundle from a
 * URI with `fetch`, and the webview bundles must hold no network primitive at all (see
 * test/unit/securityStatic.test.ts); the lookup itself is a dictionary and a replace.
 */

/** Bundle entries are the translation, or `{ message, comment }` (the l10n bundle format). */
type BundleEntry = string | { readonly message: string };

function readBundle(): Record<string, BundleEntry> {
  const raw = typeof document === 'undefined' ? undefined : document.body?.dataset.l10n;
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, BundleEntry>) : {};
  } catch {
    return {}; // A bundle that cannot be read leaves the English text.
  }
}

const bundle = readBundle();

/** `l10n.t(message, ...args)`: `message` translated, `{0}`… replaced by `args`. */
export const l10n = {
  t(message: string, ...args: readonly (string | number | boolean)[]): string {
    const entry = Object.prototype.hasOwnProperty.call(bundle, message) ? bundle[message] : undefined;
    const template = typeof entry === 'string' ? entry : typeof entry?.message === 'string' ? entry.message : message;
    return template.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match));
  },
};
