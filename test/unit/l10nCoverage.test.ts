// User-visible English written straight into the webviews or into the host's notifications, not
// through l10n.t: a static scan, so a new label cannot skip the translation bundle unnoticed. The
// bundle's completeness (every l10n.t string has a zh-tw entry) is checked in manifest.test.ts.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Source with comments blanked (line numbers kept), so prose in comments is not flagged. */
function code(file: string): string[] {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'));
}

/**
 * The string literal starting at `line[at]` ('…', "…" or a template), as the text it shows: a
 * template's `\${…}` parts (which may hold literals of their own) are left out. Undefined when no
 * literal starts there.
 */
function literalAt(line: string, at: number): string | undefined {
  const quote = line[at];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  let text = '';
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      i++;
      text += ' ';
    } else if (c === quote) {
      return text;
    } else if (quote === '`' && c === '$' && line[i + 1] === '{') {
      // Skip the expression: count braces, stepping over the literals inside it.
      let depth = 0;
      for (i += 1; i < line.length; i++) {
        const d = line[i];
        if (d === '{') depth++;
        else if (d === '}' && --depth === 0) break;
        else if (d === "'" || d === '"' || d === '`') {
          const inner = literalAt(line, i);
          if (inner === undefined) return text;
          i = closingQuote(line, i);
        }
      }
      text += ' ';
    } else {
      text += c;
    }
  }
  return text;
}

/** Index of the quote that closes the literal starting at `at` (templates' expressions skipped). */
function closingQuote(line: string, at: number): number {
  const quote = line[at];
  for (let i = at + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === quote) return i;
    else if (quote === '`' && line[i] === '$' && line[i + 1] === '{') {
      let depth = 0;
      for (i += 1; i < line.length; i++) {
        if (line[i] === '{') depth++;
        else if (line[i] === '}' && --depth === 0) break;
        else if (line[i] === "'" || line[i] === '"' || line[i] === '`') i = closingQuote(line, i);
      }
    }
  }
  return line.length;
}

/** Two English words in a row: a sentence or a label, not a symbol, a unit or a formula (the extension's name stays as it is). */
const wordy = (text: string) => /[A-Za-z]{2,}[ ,:;.]+[A-Za-z]{2,}/.test(text.replace(/Attention Lens/g, ''));
/** Any English word. */
const word = (text: string) => /[A-Za-z]{2,}/.test(text);

interface Finding {
  readonly where: string;
  readonly text: string;
}

/** Literals right after each `prefix` (a regex ending where the literal starts) that `flag` picks. */
function scan(files: string[], patterns: readonly { readonly prefix: RegExp; readonly flag: (text: string) => boolean }[]): Finding[] {
  const found: Finding[] = [];
  for (const file of files) {
    code(file).forEach((line, i) => {
      for (const { prefix, flag } of patterns) {
        for (const match of line.matchAll(new RegExp(prefix.source, 'g'))) {
          const text = literalAt(line, match.index + match[0].length);
          if (text !== undefined && flag(text)) found.push({ where: `${relative(root, file)}:${i + 1}`, text });
        }
      }
    });
  }
  return found;
}

describe('Translatable text', function () {
  it('webview labels, aria attributes, titles and texts go through l10n.t', function () {
    // The notebook renderer has no bundle (notebook outputs are shown in English, like the HTML
    // report); the WebGPU runner shows no text.
    const files = tsFiles(join(root, 'webview')).filter((f) => !/[\\/](notebook|webgpu)[\\/]/.test(relative(root, f)));
    const found = scan(files, [
      // Any literal in an attribute read out or shown as a tooltip.
      { prefix: /'aria-(?:label|roledescription|description)':\s*/, flag: word },
      { prefix: /\b(?:title|placeholder):\s*/, flag: word },
      { prefix: /\.title\s*=\s*/, flag: word },
      // Shown text: words, not symbols, numbers or formulas.
      { prefix: /\btext:\s*/, flag: wordy },
      { prefix: /\.textContent\s*=\s*/, flag: wordy },
      { prefix: /\s[?:]\s+/, flag: (t) => wordy(t) && !/var\(--/.test(t) },
      { prefix: /createTextNode\(\s*/, flag: wordy },
      { prefix: /\b(?:setStatus|message|onError)\(\s*/, flag: wordy },
    ]);
    assert.deepEqual(found, [], 'English shown in a webview without l10n.t');
  });

  it("the host's notifications, progress titles and panel status go through vscode.l10n.t", function () {
    // The CLI writes to a terminal and has no display language.
    const files = tsFiles(join(root, 'src')).filter((f) => !/[\\/](cli|shared)[\\/]/.test(relative(root, f)));
    const found = scan(files, [
      { prefix: /show(?:Information|Warning|Error)Message\(\s*/, flag: wordy },
      { prefix: /postStatus\(\s*'\w+',\s*/, flag: wordy },
      { prefix: /\btitle:\s*/, flag: wordy },
      { prefix: /appendMarkdown\(\s*/, flag: wordy },
      { prefix: /appendText\(\s*/, flag: wordy },
      { prefix: /MarkdownString\(\s*/, flag: wordy },
      { prefix: /\bmessage:\s*/, flag: wordy },
    ]);
    assert.deepEqual(found, [], 'English shown by the host without vscode.l10n.t');
  });
});
