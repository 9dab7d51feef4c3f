/**
 * Tokenizer: loading Gemma 3's tokenizer.json (262k vocabulary, 515k merges, 33 MB) and encoding
 * source code at 512 and 8192 tokens, ours against the native reference (`tokenizers`, Rust) in
 * the same run, so the ratio holds whatever the machine's load. Encodes use a different stretch
 * of text each repeat: the tokenizers' word caches are warm, as in real use, but never hold the
 * whole measured text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { loadTokenizer } from '../../src/tokenizer';
import { repoRoot } from '../lib/paths';
import { median, repeats, round, timingRow, type Row } from '../lib/stats';

const GROUP = 'tokenizer';
const GEMMA3 = join(repoRoot, 'node_modules', '@lenml', 'tokenizer-gemma3', 'models', 'tokenizer.json');

/** The project's own TypeScript, as a realistic corpus of source code. */
function corpus(): string {
  const dir = join(repoRoot, 'src', 'tokenizer');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

export async function runTokenizer(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  const json = readFileSync(GEMMA3, 'utf8');
  const rows: Row[] = [];
  const keys: Record<string, number> = {};

  const loads = repeats(3, 1);
  const ourLoad: number[] = [];
  const nativeLoad: number[] = [];
  let ours = loadTokenizer(json);
  let native = NativeTokenizer.fromString(json);
  for (let i = 0; i < loads; i++) {
    let t0 = performance.now();
    ours = loadTokenizer(json);
    ourLoad.push(performance.now() - t0);
    t0 = performance.now();
    native = NativeTokenizer.fromString(json);
    nativeLoad.push(performance.now() - t0);
  }
  rows.push(timingRow(GROUP, 'load Gemma 3 tokenizer.json (ours)', ourLoad, 'from the JSON text; 262k vocabulary, 515k merges'));
  rows.push(timingRow(GROUP, 'load Gemma 3 tokenizer.json (native)', nativeLoad));
  keys.tokenizer_load_vs_native = round(median(ourLoad) / median(nativeLoad), 2);
  rows.push({ group: GROUP, name: 'load: ours / native', value: keys.tokenizer_load_vs_native, unit: 'x' });

  const text = corpus().repeat(8);
  const encodes = repeats(9, 2);
  for (const tokenCount of [512, 8192]) {
    const ourTimes: number[] = [];
    const nativeTimes: number[] = [];
    for (let i = 0; i < encodes; i++) {
      // A window of about tokenCount tokens, starting somewhere new each repeat.
      const from = Math.floor((i / encodes) * (text.length / 2));
      const window = text.slice(from, from + tokenCount * 6);
      const end = ours.encode(window, { addSpecialTokens: false })[tokenCount - 1]?.end ?? window.length;
      const sample = window.slice(0, end);
      let t0 = performance.now();
      ours.encode(sample);
      ourTimes.push(performance.now() - t0);
      t0 = performance.now();
      await native.encode(sample);
      nativeTimes.push(performance.now() - t0);
    }
    rows.push(timingRow(GROUP, `encode ${tokenCount} tokens of source code (ours)`, ourTimes));
    rows.push(timingRow(GROUP, `encode ${tokenCount} tokens of source code (native)`, nativeTimes, 'includes the N-API round trip'));
    keys[`tokenizer_encode_${tokenCount}_vs_native`] = round(median(ourTimes) / median(nativeTimes), 2);
    rows.push({ group: GROUP, name: `encode ${tokenCount}: ours / native`, value: keys[`tokenizer_encode_${tokenCount}_vs_native`], unit: 'x' });
  }
  return { rows, keys };
}
