import { expectObject, expectString } from './configJson';
import { translateOnigPattern, UntranslatablePattern } from './onigRegex';
import { TokenizerError } from './tokenizerError';

/**
 * Compiles a tokenizer.json pattern ({"String": ...} or {"Regex": ...}) to a global, Unicode-aware
 * RegExp. Regex patterns are written for the reference's Oniguruma engine and are translated (see
 * onigRegex.ts); one that cannot be translated throws a TokenizerError naming the construct.
 */
export function compilePattern(config: unknown, path: string): RegExp {
  const json = expectObject(config, path);
  if (json.String !== undefined) return new RegExp(escapeRegExp(expectString(json.String, `${path}.String`)), 'gu');
  return compileOnigPattern(expectString(json.Regex, `${path}.Regex`), `${path}.Regex`);
}

/** An Oniguruma pattern as a global JavaScript RegExp; `path` names the field in messages. Throws TokenizerError. */
export function compileOnigPattern(source: string, path: string): RegExp {
  const shown = source.length > 80 ? `${source.slice(0, 80)}…` : source;
  try {
    return new RegExp(translateOnigPattern(source), 'gu');
  } catch (error) {
    const what = error instanceof UntranslatablePattern ? error.construct : 'a construct outside the supported Oniguruma syntax';
    throw new TokenizerError(
      `tokenizer.json: ${path} (${shown}) uses ${what}, which Attention Lens cannot translate to a JavaScript regular expression. ` +
        'Choose a model whose split patterns avoid it.',
    );
  }
}

/**
 * `text` as a pattern matching itself literally under the `u` flag. Only syntax characters are
 * escaped: in `u` mode an escape of anything else (such as "-") is a syntax error.
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
