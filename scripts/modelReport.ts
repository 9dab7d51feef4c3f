/**
 * npm run model:report — what the shipped model (media/model/model.onnx) does, measured with the
 * runtime the extension uses (onnxruntime-web):
 *  - held-out compression in bits per UTF-8 byte, on training/heldout-sample.txt (committed, so
 *    the report is the same on any clone);
 *  - per layer/head: previous-token and bracket scores on held-out 512-token windows, induction
 *    score on random token blocks repeated twice (fixed seed), induction on natural code (the
 *    same held-out windows, see repeatTargets), entropy and sparsity.
 * training/scores.py computes the same scores in PyTorch during training; keep the two in step.
 * Prints a table, then as its last line one JSON object with the headline numbers.
 * An optional argument scores another export of the same model (e.g. training/work/model.onnx).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bracketPairs, bracketScore, entropy, inductionScore, previousTokenScore, sparsity } from '../src/shared/headScores';
import { readOnnxModel } from '../src/onnx/readModel';
import { loadModelWeights, parameterCount } from '../test/reference/modelWeights';
import { BUNDLED_MODEL, REPO_ROOT, createInferenceRunner, idsTensor, ort, readModelBytes, tokenize } from '../test/reference/nodeRuntime';
import { seededRandom } from '../src/shared/seededRandom';

const HELD_OUT_SAMPLE = path.join(REPO_ROOT, 'training', 'heldout-sample.txt');
const MODEL_CONFIG = path.join(REPO_ROOT, 'media', 'model', 'config.json');
/** Entropy and sparsity (sorting every row) are costly: they use this many full windows, spread
 *  evenly over the sample (TypeScript, then Python). The other scores use every full window. */
const DISTRIBUTION_WINDOWS = 8;
const INDUCTION_SEQUENCES = 8;
const INDUCTION_BLOCK = 100;
const INDUCTION_SEED = 20240613;

type HeadScoreName = 'previous_token' | 'bracket' | 'induction' | 'induction_natural' | 'entropy' | 'sparsity';

/** Weighted running mean per layer/head. */
class HeadMeans {
  private readonly sums = new Map<string, { sum: number; weight: number }>();

  add(score: HeadScoreName, layer: number, head: number, value: number, weight = 1): void {
    if (Number.isNaN(value) || weight === 0) return;
    const key = `${score}/${layer}/${head}`;
    const entry = this.sums.get(key) ?? { sum: 0, weight: 0 };
    entry.sum += value * weight;
    entry.weight += weight;
    this.sums.set(key, entry);
  }

  mean(score: HeadScoreName, layer: number, head: number): number {
    const entry = this.sums.get(`${score}/${layer}/${head}`);
    return entry ? entry.sum / entry.weight : NaN;
  }
}

/** One head's T*T matrix out of an attn_l output [1, H, T, T]. */
function headMatrix(attn: ort.Tensor, head: number): Float32Array {
  const T = attn.dims[3]!;
  return (attn.data as Float32Array).subarray(head * T * T, (head + 1) * T * T);
}

/** Sum over positions t < T-1 of -ln p(ids[t+1] | ids[..t]) from logits [1, T, V]. */
function nextTokenNats(logits: ort.Tensor, ids: readonly number[]): number {
  const V = logits.dims[2]!;
  const data = logits.data as Float32Array;
  let nats = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    const row = data.subarray(t * V, (t + 1) * V);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let sumExp = 0;
    for (const v of row) sumExp += Math.exp(v - max);
    nats += Math.log(sumExp) + max - row[ids[t + 1]!]!;
  }
  return nats;
}

/**
 * Induction targets in natural text: each query i whose two-token suffix (ids[i-1], ids[i])
 * occurred before, ending at j <= i-2 (the most recent such j), paired with key j+1, the token
 * that followed last time. An induction head attends there; real code repeats names and call
 * patterns, so this shows whether a head found on synthetic repeats works on what users read.
 */
function repeatTargets(ids: readonly number[]): { query: number; key: number }[] {
  const last = new Map<string, number>();
  const targets: { query: number; key: number }[] = [];
  for (let i = 1; i < ids.length; i++) {
    const bigram = `${ids[i - 1]},${ids[i]}`;
    const j = last.get(bigram);
    if (j !== undefined && j <= i - 2) targets.push({ query: i, key: j + 1 });
    last.set(bigram, i);
  }
  return targets;
}

/** Mean weight from each target's query on its key, for one head's T*T matrix. */
function targetWeight(attn: Float32Array, T: number, targets: readonly { query: number; key: number }[]): number {
  let sum = 0;
  for (const { query, key } of targets) sum += attn[query * T + key]!;
  return sum / targets.length;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The score and position of the head with the highest mean for one score. */
function bestHead(means: HeadMeans, score: HeadScoreName, layers: number, heads: number): { score: number; layer: number; head: number } {
  let best = { score: -Infinity, layer: -1, head: -1 };
  for (let layer = 0; layer < layers; layer++)
    for (let head = 0; head < heads; head++) {
      const value = means.mean(score, layer, head);
      if (value > best.score) best = { score: value, layer, head };
    }
  return best;
}

const round = (value: number, digits = 4): number => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const modelFile = path.resolve(process.argv[2] ?? BUNDLED_MODEL);
  const bytes = readModelBytes(modelFile);
  const weights = loadModelWeights(readOnnxModel(bytes));
  const layers = weights.layers.length;
  const heads = weights.heads;
  const context = (JSON.parse(readFileSync(MODEL_CONFIG, 'utf8')) as { context: number }).context;
  const attnNames = weights.layers.map((_, l) => `attn_${l}`);
  const runner = await createInferenceRunner(bytes);
  const means = new HeadMeans();

  // Held-out text: bits per byte over every window, head scores over the full ones.
  const text = readFileSync(HELD_OUT_SAMPLE, 'utf8');
  const tokens = await tokenize(text);
  const idWindows = chunk(tokens.ids, context);
  const textWindows = chunk(tokens.texts, context);
  const fullWindows = idWindows.filter((ids) => ids.length === context).length;
  const distributionWindows = evenlySpaced(fullWindows, DISTRIBUTION_WINDOWS);
  let nats = 0;
  let predicted = 0;
  let bracketChance = 0;
  let bracketCount = 0;
  let naturalChance = 0;
  let naturalCount = 0;
  for (const [w, ids] of idWindows.entries()) {
    const full = ids.length === context;
    const outputs = await runner.run({ input_ids: idsTensor(ids) }, full ? ['logits', ...attnNames] : ['logits']);
    nats += nextTokenNats(outputs.logits!, ids);
    predicted += ids.length - 1;
    if (!full) continue;
    const pairs = bracketPairs(textWindows[w]!);
    // An argmax on a random attendable key hits the opener with probability 1/(closer+1).
    for (const pair of pairs) bracketChance += 1 / (pair.closer + 1);
    bracketCount += pairs.length;
    const repeats = repeatTargets(ids);
    for (const { query } of repeats) naturalChance += 1 / (query + 1);
    naturalCount += repeats.length;
    attnNames.forEach((name, layer) => {
      for (let head = 0; head < heads; head++) {
        const attn = headMatrix(outputs[name]!, head);
        means.add('previous_token', layer, head, previousTokenScore(attn));
        means.add('bracket', layer, head, bracketScore(attn, textWindows[w]!), pairs.length);
        if (repeats.length > 0) means.add('induction_natural', layer, head, targetWeight(attn, context, repeats), repeats.length);
        if (!distributionWindows.has(w)) continue;
        means.add('entropy', layer, head, entropy(attn));
        means.add('sparsity', layer, head, sparsity(attn));
      }
    });
  }
  const utf8Bytes = Buffer.byteLength(text, 'utf8');
  const valBitsPerByte = (nats / predicted / Math.LN2) * (tokens.ids.length / utf8Bytes);

  // Induction: a random block repeated; only an induction head can predict the second copy.
  const random = seededRandom(INDUCTION_SEED);
  for (let s = 0; s < INDUCTION_SEQUENCES; s++) {
    const block = Array.from({ length: INDUCTION_BLOCK }, () => Math.floor(random() * weights.vocab));
    const outputs = await runner.run({ input_ids: idsTensor([...block, ...block]) }, attnNames);
    attnNames.forEach((name, layer) => {
      for (let head = 0; head < heads; head++) means.add('induction', layer, head, inductionScore(headMatrix(outputs[name]!, head), INDUCTION_BLOCK));
    });
  }
  await runner.release();

  console.log(`Model: ${path.relative(REPO_ROOT, modelFile)} — ${layers} layers x ${heads} heads, d_model ${weights.dModel}, ${parameterCount(weights)} parameters`);
  console.log(`Held-out: ${path.relative(REPO_ROOT, HELD_OUT_SAMPLE)}, ${utf8Bytes} bytes, ${tokens.ids.length} tokens, ${idWindows.length} windows of <= ${context}`);
  console.log(`Bits per byte: ${valBitsPerByte.toFixed(4)}`);
  console.log(`Head scores: previous-token and bracket (${bracketCount} pairs) over ${fullWindows} windows of ${context} tokens,`);
  console.log(`entropy and sparsity over ${distributionWindows.size} of them, induction over ${INDUCTION_SEQUENCES} random blocks of ${INDUCTION_BLOCK} tokens repeated twice,`);
  console.log(`natural induction ('induct. code') over the ${naturalCount} tokens of those windows whose two-token suffix occurred earlier in the window.`);
  console.log(`Chance (uniform causal attention): previous-token ${uniformPreviousToken(context).toFixed(4)}, ` +
    `bracket ${(bracketChance / bracketCount).toFixed(4)}, induction ${uniformInduction(INDUCTION_BLOCK).toFixed(4)}, ` +
    `natural induction ${(naturalChance / naturalCount).toFixed(4)}`);
  console.log('');
  const columns: [HeadScoreName, string][] = [['previous_token', 'prev-token'], ['bracket', 'bracket'], ['induction', 'induction'], ['induction_natural', 'induct. code'], ['entropy', 'entropy(bits)'], ['sparsity', 'sparsity@90%']];
  console.log(['layer', 'head', ...columns.map(([, title]) => title)].map((c) => c.padStart(14)).join(''));
  for (let layer = 0; layer < layers; layer++)
    for (let head = 0; head < heads; head++)
      console.log([String(layer), String(head), ...columns.map(([score]) => means.mean(score, layer, head).toFixed(4))].map((c) => c.padStart(14)).join(''));
  console.log('');

  const best = (score: HeadScoreName) => {
    const b = bestHead(means, score, layers, heads);
    return { score: round(b.score), layer: b.layer, head: b.head };
  };
  console.log(JSON.stringify({
    layers,
    heads,
    d_model: weights.dModel,
    params: parameterCount(weights),
    context,
    vocab: weights.vocab,
    val_bits_per_byte: round(valBitsPerByte),
    previous_token: best('previous_token'),
    bracket: best('bracket'),
    induction: best('induction'),
    induction_natural: best('induction_natural'),
  }));
}

/** `count` indices spread from 0 to total-1 (all of them when total <= count). */
function evenlySpaced(total: number, count: number): Set<number> {
  if (total <= count) return new Set(Array.from({ length: total }, (_, i) => i));
  return new Set(Array.from({ length: count }, (_, k) => Math.round((k * (total - 1)) / (count - 1))));
}

/** Expected previous-token score of a head that spreads evenly over all allowed keys. */
function uniformPreviousToken(T: number): number {
  let sum = 0;
  for (let i = 1; i < T; i++) sum += 1 / (i + 1);
  return sum / (T - 1);
}

function uniformInduction(blockLength: number): number {
  let sum = 0;
  for (let i = blockLength; i < 2 * blockLength; i++) sum += 1 / (i + 1);
  return sum / blockLength;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
