/** The bundled tokenizer, as the worker uses it: text -> ids, cut to a token budget. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { truncateTokens } from '../../src/inference/truncateTokens';
import type { SourceToken } from '../../src/shared/tokens';
import { loadTokenizer } from '../../src/tokenizer';
import { bundledModelDir, fixturesDir } from './paths';

let tokenizer: ReturnType<typeof loadTokenizer> | undefined;

export function encodeBundled(text: string): SourceToken[] {
  tokenizer ??= loadTokenizer(readFileSync(join(bundledModelDir, 'tokenizer.json'), 'utf8'));
  return tokenizer.encode(text);
}

/** The fixture file holding exactly `tokens` tokens of the bundled tokenizer. */
export function fixturePath(tokens: number): string {
  return join(fixturesDir, `tokens-${tokens}.txt`);
}

export function fixtureText(tokens: number): string {
  return readFileSync(fixturePath(tokens), 'utf8');
}

/** The ids the extension would feed the bundled model for a fixture. */
export function fixtureIds(tokens: number): number[] {
  return truncateTokens(encodeBundled(fixtureText(tokens)), tokens).tokens.map((t) => t.id);
}
