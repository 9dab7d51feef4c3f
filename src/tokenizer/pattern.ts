import { expectObject, expectString, unsupported } from './configJson';

/** Compiles a tokenizer.json pattern ({"String": ...} or {"Regex": ...}) to a global, Unicode-aware RegExp. */
export function compilePattern(config: unknown, path: string): RegExp {
  const json = expectObject(config, path);
  if (json.String !== undefined) return new RegExp(escapeRegExp(expectString(json.String, `${path}.String`)), 'gu');
  const source = expectString(json.Regex, `${path}.Regex`);
  try {
    return new RegExp(source, 'gu');
  } catch {
    // The reference uses Oniguruma syntax; most patterns are also valid JavaScript, some are not.
    throw unsupported(`${path}.Regex`, `a regular expression JavaScript cannot compile (${source.slice(0, 80)})`);
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
