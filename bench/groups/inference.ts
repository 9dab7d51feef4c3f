/**
 * Inference: onnxruntime-web (WASM, in a worker thread, as the extension runs it) against
 * onnxruntime-node (native) and PyTorch eager, on the same input ids and the same weights, for
 * the bundled model and a BERT-base-size random model, at 128 and 512 tokens, 1 and 2 threads.
 * Runtimes are interleaved in rounds so that load drifting during the run hits all of them.
 * Then the extension's own worker path (tokenize + run + transfer), and cheap-win variants.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { buildBundles, extensionWorkerPath } from '../lib/build';
import { loadOrtNode, ORT_NODE_VERSION, type OrtNode } from '../lib/ortNode';
import { OrtWebWorker } from '../lib/ortWebWorkerClient';
import { benchDir, bertModelDir, bundledModelDir, ortWasmDir, python } from '../lib/paths';
import { median, QUICK, repeats, round, skippedRow, timingRow, type Row } from '../lib/stats';
import { TorchRunner } from '../lib/torchRunner';
import { fixtureIds, fixtureText } from '../lib/tokens';

const GROUP = 'inference';
const THREADS = [1, 2];
const TOKENS = [128, 512];

interface ModelSpec {
  readonly key: 'bundled' | 'bert';
  readonly label: string;
  readonly path: string;
  /** [warm-up, measured] per token count, full run and quick run. */
  readonly plan: (tokens: number) => { warmup: number; repeats: number; rounds: number };
}

const MODELS: ModelSpec[] = [
  {
    key: 'bundled',
    label: 'bundled 4L x 4H d128',
    path: join(bundledModelDir, 'model.onnx'),
    plan: () => ({ warmup: repeats(3, 1), repeats: repeats(20, 4), rounds: repeats(4, 2) }),
  },
  {
    key: 'bert',
    label: 'BERT-base size 12L x 12H d768',
    path: join(bertModelDir, 'model.onnx'),
    plan: (tokens) =>
      tokens <= 128
        ? { warmup: 1, repeats: repeats(6, 2), rounds: repeats(3, 2) }
        : { warmup: 1, repeats: repeats(3, 1), rounds: repeats(3, 1) },
  },
];

/** What the extension fetches: each layer's attention and its q/k/v/o (never logits). */
function extensionOutputs(outputNames: readonly string[]): string[] {
  return outputNames.filter((n) => /^(attn|q|k|v|o)_\d+$/.test(n));
}

export function ensureBertModel(): string | undefined {
  if (existsSync(join(bertModelDir, 'model.onnx'))) return undefined;
  console.error('generating the BERT-base-size model (once, ~10 s)…');
  const result = spawnSync(python, [join(benchDir, 'make_bert_model.py'), bertModelDir], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '2' },
    timeout: 600_000,
  });
  if (result.status !== 0) return `could not generate the BERT-size model: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`;
  return undefined;
}

type Runner = { name: string; time: (warmup: number, repeats: number) => Promise<number[]>; close: () => Promise<void> | void };

async function webRunner(modelPath: string, threads: number, ids: number[], opt: 'all' | 'extended' | 'basic' | 'disabled' = 'all', pick?: (names: string[]) => string[]): Promise<Runner> {
  const worker = new OrtWebWorker();
  const loaded = await worker.request({ kind: 'load', modelPath, wasmDir: ortWasmDir, threads, graphOptimizationLevel: opt });
  if (loaded.kind !== 'loaded') throw new Error('unexpected reply');
  const outputs = (pick ?? extensionOutputs)(loaded.outputNames);
  return {
    name: 'ort-web wasm (worker)',
    time: async (warmup, n) => {
      const reply = await worker.request({ kind: 'run', ids, outputs, warmup, repeats: n });
      if (reply.kind !== 'ran') throw new Error('unexpected reply');
      return reply.times;
    },
    close: () => worker.close(),
  };
}

async function nativeRunner(ort: OrtNode, modelPath: string, threads: number, ids: number[]): Promise<Runner> {
  const session = await ort.InferenceSession.create(readFileSync(modelPath), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const outputs = extensionOutputs([...session.outputNames]);
  const data = BigInt64Array.from(ids, (id) => BigInt(id));
  return {
    name: `ort-node ${ORT_NODE_VERSION} native`,
    time: async (warmup, n) => {
      const times: number[] = [];
      for (let i = 0; i < warmup + n; i++) {
        const t0 = performance.now();
        const results = await session.run({ input_ids: new ort.Tensor('int64', data, [1, data.length]) }, outputs);
        for (const name of outputs) void (results[name].data as Float32Array)[0];
        if (i >= warmup) times.push(performance.now() - t0);
      }
      return times;
    },
    close: () => session.release(),
  };
}

function torchRunnerFor(torch: TorchRunner, threads: number, ids: number[]): Runner {
  return { name: `PyTorch ${torch.version} eager`, time: (warmup, n) => torch.time(ids, threads, warmup, n), close: () => {} };
}

/** Runs every runner for `plan.repeats` measured runs, split into interleaved rounds. */
async function interleave(runners: Runner[], plan: { warmup: number; repeats: number; rounds: number }): Promise<number[][]> {
  const times = runners.map(() => [] as number[]);
  for (const [i, r] of runners.entries()) if (plan.warmup > 0) await r.time(plan.warmup, 0).then(() => i);
  const per = Math.max(1, Math.ceil(plan.repeats / plan.rounds));
  for (let done = 0; done < plan.repeats; done += per) {
    const n = Math.min(per, plan.repeats - done);
    for (const [i, r] of runners.entries()) times[i].push(...(await r.time(0, n)));
  }
  return times;
}

export interface InferenceSummary {
  rows: Row[];
  keys: Record<string, number>;
}

export async function runInference(): Promise<InferenceSummary> {
  await buildBundles();
  const rows: Row[] = [];
  const keys: Record<string, number> = {};
  const native = loadOrtNode();
  if ('note' in native) rows.push(skippedRow(GROUP, 'onnxruntime-node', native.note));
  const bertNote = ensureBertModel();
  if (bertNote) rows.push(skippedRow(GROUP, 'BERT-base size', bertNote));

  for (const model of MODELS) {
    if (!existsSync(model.path)) continue;
    const torch = await TorchRunner.start(model.path);
    if ('note' in torch) rows.push(skippedRow(GROUP, `${model.label} PyTorch`, torch.note));
    for (const tokens of TOKENS) {
      const ids = fixtureIds(tokens);
      for (const threads of THREADS) {
        const runners: Runner[] = [await webRunner(model.path, threads, ids)];
        if ('ort' in native) runners.push(await nativeRunner(native.ort, model.path, threads, ids));
        if (!('note' in torch)) runners.push(torchRunnerFor(torch, threads, ids));
        const plan = model.plan(tokens);
        console.error(`  ${model.label}, ${tokens} tokens, ${threads} thread(s): ${runners.map((r) => r.name).join(' / ')}`);
        const times = await interleave(runners, plan);
        const medians: Record<string, number> = {};
        runners.forEach((r, i) => {
          rows.push(timingRow(GROUP, `${model.label} · ${tokens} tok · ${threads}T · ${r.name}`, times[i]));
          medians[r.name.split(' ')[0]] = median(times[i]);
        });
        for (const r of runners) await r.close();
        const suffix = `${model.key === 'bundled' ? '' : 'bert_'}${tokens}_${threads}t`;
        if (medians['ort-node']) keys[`web_vs_native_${suffix}`] = round(medians['ort-web'] / medians['ort-node'], 2);
        if (medians['PyTorch']) keys[`web_vs_torch_${suffix}`] = round(medians['ort-web'] / medians['PyTorch'], 2);
      }
    }
    if (!('note' in torch)) torch.close();
  }
  // Headline: the bundled model at 512 tokens, 2 threads on both sides.
  if (keys.web_vs_native_512_2t !== undefined) keys.web_vs_native_512 = keys.web_vs_native_512_2t;
  if (keys.web_vs_torch_512_2t !== undefined) keys.web_vs_torch_512 = keys.web_vs_torch_512_2t;

  rows.push(...(await extensionWorkerPath512()));
  rows.push(...(await variants()));
  return { rows, keys };
}

/** The extension's own path: InferenceClient -> dist-equivalent worker.js -> AttentionModel.run(text). */
async function extensionWorkerPath512(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const threads of THREADS) {
    const client = new InferenceClient(extensionWorkerPath, ortWasmDir);
    const location = { folder: bundledModelDir, threads };
    const t0 = performance.now();
    const info = await client.load(location);
    rows.push({ group: GROUP, name: `extension worker · ${threads}T · model load + warm-up run (first, in-process)`, value: round(performance.now() - t0, 1), note: `worker reports ${round(info.loadMs, 1)} ms` });
    for (const tokens of TOKENS) {
      const text = fixtureText(tokens);
      const roundTrip: number[] = [];
      const inference: number[] = [];
      const tokenize: number[] = [];
      const n = repeats(20, 4);
      for (let i = 0; i < repeats(3, 1) + n; i++) {
        const s = performance.now();
        const { output } = await client.run(location, text, tokens);
        const dt = performance.now() - s;
        if (output.tokens.length !== tokens) throw new Error(`expected ${tokens} tokens, got ${output.tokens.length}`);
        if (i < repeats(3, 1)) continue;
        roundTrip.push(dt);
        inference.push(output.inferenceMs);
        tokenize.push(output.tokenizeMs);
      }
      const label = `extension worker · bundled · ${tokens} tok · ${threads}T`;
      rows.push(timingRow(GROUP, `${label} · round trip (host)`, roundTrip));
      rows.push(timingRow(GROUP, `${label} · inference (in worker)`, inference));
      rows.push(timingRow(GROUP, `${label} · tokenize (in worker)`, tokenize));
    }
    client.dispose();
  }
  return rows;
}

/** Cheap-win candidates, interleaved against the extension's current settings. */
async function variants(): Promise<Row[]> {
  const rows: Row[] = [];
  const configs: { model: string; path: string; tokens: number; threads: number; plan: { warmup: number; repeats: number; rounds: number } }[] = [
    { model: 'bundled', path: join(bundledModelDir, 'model.onnx'), tokens: 512, threads: 1, plan: { warmup: repeats(3, 1), repeats: repeats(20, 4), rounds: repeats(4, 2) } },
  ];
  if (existsSync(join(bertModelDir, 'model.onnx')) && !QUICK) {
    configs.push({ model: 'BERT-size', path: join(bertModelDir, 'model.onnx'), tokens: 128, threads: 2, plan: { warmup: 1, repeats: 4, rounds: 2 } });
  }
  for (const c of configs) {
    const ids = fixtureIds(c.tokens);
    const attnOnly = (names: string[]) => names.filter((n) => /^attn_\d+$/.test(n));
    const everything = (names: string[]) => names;
    const specs: [string, 'all' | 'extended' | 'basic' | 'disabled', ((n: string[]) => string[]) | undefined][] = [
      ['as the extension runs it (opt all, attn + q/k/v/o)', 'all', undefined],
      ['attn outputs only', 'all', attnOnly],
      ['all outputs incl. logits', 'all', everything],
      ['graphOptimizationLevel basic', 'basic', undefined],
      ['graphOptimizationLevel disabled', 'disabled', undefined],
    ];
    const runners: Runner[] = [];
    for (const [, opt, pick] of specs) runners.push(await webRunner(c.path, c.threads, ids, opt, pick));
    console.error(`  variants: ${c.model}, ${c.tokens} tokens, ${c.threads} thread(s)`);
    const times = await interleave(runners, c.plan);
    specs.forEach(([label], i) => rows.push(timingRow(GROUP, `variant · ${c.model} · ${c.tokens} tok · ${c.threads}T · ${label}`, times[i])));
    for (const r of runners) await r.close();
  }
  return rows;
}
