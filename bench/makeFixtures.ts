/**
 * Writes bench/fixtures/tokens-<N>.txt: TypeScript source text of exactly N tokens of the bundled tokenizer
 * (plain text, so the project typecheck skips it; whole document = N tokens, so the e2e benchmark can analyse the whole file). The text is this
 * project's own source. Run again only when the bundled tokenizer changes:
 *   node --import tsx bench/makeFixtures.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths';
import { encodeBundled, fixturePath } from './lib/tokens';

const SOURCES = ['src/tokenizer/bpe.ts', 'src/tokenizer/byteLevel.ts', 'src/tokenizer/pipelineTokenizer.ts', 'src/onnx/readModel.ts'];
const corpus = SOURCES.map((f) => readFileSync(join(repoRoot, f), 'utf8')).join('\n');

for (const size of [128, 512]) {
  const tokens = encodeBundled(corpus);
  if (tokens.length < size) throw new Error(`corpus has only ${tokens.length} tokens`);
  // Cut at a token end; back off until re-encoding the cut text gives exactly `size` tokens.
  let cut = size;
  let text = '';
  for (; cut > 0; cut--) {
    text = corpus.slice(0, tokens[cut - 1].end);
    if (encodeBundled(text).length === size) break;
  }
  for (let extra = 0; encodeBundled(text).length !== size && extra < 50; extra++) {
    text = corpus.slice(0, tokens[size - 1 + extra].end);
  }
  const count = encodeBundled(text).length;
  if (count !== size) throw new Error(`could not cut the corpus to exactly ${size} tokens (got ${count})`);
  writeFileSync(fixturePath(size), text);
  console.log(`${fixturePath(size)}: ${size} tokens, ${text.length} chars`);
}
