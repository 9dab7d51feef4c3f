/**
 * The webviews' translated strings. The host puts its l10n bundle (`vscode.l10n.bundle`: the
 * `l10n/bundle.l10n.<language>.json` of the display language, or nothing for English) on
 * `body[data-l10n]`; `@vscode/l10n` then translates each `l10n.t(…)` call (keyed by its English text) the way
 * `vscode.l10n.t` does on the host. Where no bundle is given (the HTML report, notebooks) the
 * English text is used. Imported before any module builds its labels.
 */
import * as l10nLibrary from '@vscode/l10n';

const bundle = typeof document === 'undefined' ? undefined : document.body?.dataset.l10n;
if (bundle) {
  try {
    l10nLibrary.config({ contents: bundle });
  } catch {
    // A bundle that cannot be read leaves the English text.
  }
}

/** `l10n.t(message, ...args)`: `message` translated, `{0}`… replaced by `args`. */
export const l10n = { t: l10nLibrary.t };
