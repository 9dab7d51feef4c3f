/**
 * The zh-tw l10n bundle applied as the host (`vscode.l10n.t`) and the webviews (webview/l10n.ts)
 * apply it: the English message looked up, `{0}`, `{1}`… filled. For unit tests of shared code
 * that takes a Translator.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENGLISH, type Translator } from '../../src/shared/translator';

const bundle = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-tw.json'), 'utf8')) as Record<string, string>;

export const zhTw: Translator = { t: (message, ...args) => ENGLISH.t(bundle[message] ?? message, ...args) };
