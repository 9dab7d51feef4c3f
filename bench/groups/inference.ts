/**
 * Inference: Attention Lens as it runs by default (the extension's worker, the graph pruned to
 * attention + q/k/v/o, onnxruntime-node where it loads), raw onnxruntime-web (WASM, in a worker
 * thread, the whole graph) and raw onnxruntime-node on the same graph, and PyTorch eager (the
 * full forward with attention), on the same input ids and the same weights, for the bundled
 * model and a BERT-base-size random model, at 128 and 512 tokens, 1 and 2 threads.
 * Runtimes are interleaved in rounds so that load drifting during the run hits all of them.
 * Then the extension's own worker path (tokenize + run + transfer), and cheap-win variants.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pruneGraph, readOnnxModel } from '../../src/onnx';
import { InferenceClient } from '../../src/inference/inferenceClient';
import { ensureNativeSession } from '../../src/inference/nativeSession';
import { buildBundles, extensionWorkerPath } from '../lib/build';
import { loadOrtNode, ORT_NODE_VERSION, type OrtNode } from '../lib/ortNode';
import { OrtWebWorker } from '../lib/ortWebWorkerClient';
import { benchDir, bertModelDir, bundledModelDir, cacheDir, ortWasmDir, python } from '../lib/paths';
import { median, QUICK, repeats, round, skippedRow, timingRow, type Row } from '../lib/stats';
import { ensureTorch, type PeerStatus } from '../lib/peers';
import { TorchRunner } from '../lib/torchRunner';
import { fixtureIds, fixtureText } from '../lib/tokens';

const GROUP = 'inference';
const THREADS = [1, 2];
const TOKENS = [128, 512];

interface ModelSpec {
  readonly key: 'bundled' | 'bert';
  readonly label: string;
  readonly path: string;
  /** The folder Attention Lens loads (model.onnx + tokenizer.json). */
  readonly folder: string;
  /** [warm-up, measured] per token count, full run and quick run. */
  readonly plan: (tokens: number) => { warmup: number; repeats: number; rounds: number };
}

const MODELS: ModelSpec[] = [
  {
    key: 'bundled',
    label: 'bundled 4L x 4H d128',
    path: join(bundledModelDir, 'model.onnx'),
    folder: bundledModelDir,
    plan: () => ({ warmup: repeats(3, 1), repeats: repeats(20, 4), rounds: repeats(4, 2) }),
  },
  {
    key: 'bert',
    label: 'BERT-base size 12L x 12H d768',
    path: join(bertModelDir, 'model.onnx'),
    folder: bertModelDir,
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
  // Checked: in a process where onnxruntime-web registered first, 'cpu' would be WebAssembly.
  const session = await ensureNativeSession(
    await ort.InferenceSession.create(readFileSync(modelPath), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    }),
  );
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

/**
 * Attention Lens as a user runs it by default: the extension's worker thread and AttentionModel
 * (graph pruned to what the views show), on onnxruntime-node when it loads there (`backend: auto`).
 * The time is the worker's own inference figure (session run and output decoding), so messaging
 * and tokenizing are not counted, as they are not for the other runtimes.
 */
async function attentionLensRunner(folder: string, threads: number, tokens: number): Promise<Runner & { backend: string }> {
  const client = new InferenceClient(extensionWorkerPath, ortWasmDir);
  const location = { folder, threads, runtime: 'native' as const };
  const text = fixtureText(512).repeat(3);
  const info = await client.load(location);
  return {
    name: `Attention Lens default (${info.backend}, pruned)`,
    backend: info.backend,
    time: async (warmup, n) => {
      const times: number[] = [];
      for (let i = 0; i < warmup + n; i++) {
        const { output } = await client.run(location, text, tokens);
        if (output.tokens.length !== tokens) throw new Error(`expected ${tokens} tokens, got ${output.tokens.length}`);
        if (i >= warmup) times.push(output.inferenceMs);
      }
      return times;
    },
    close: () => client.dispose(),
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
  /** null: not measured, for the reason in `peers`. */
  keys: Record<string, number | null>;
  peers: Record<string, PeerStatus>;
}

export async function runInference(): Promise<InferenceSummary> {
  await buildBundles();
  const rows: Row[] = [];
  const keys: Record<string, number | null> = {};
  const native = loadOrtNode();
  const torchPeer = ensureTorch();
  const peers: Record<string, PeerStatus> = {
    pytorch: torchPeer,
    'onnxruntime-node': 'ort' in native ? { available: true, version: ORT_NODE_VERSION } : { available: false, note: native.note },
  };
  if ('note' in native) rows.push(skippedRow(GROUP, 'onnxruntime-node', native.note));
  if (!torchPeer.available) rows.push(skippedRow(GROUP, 'PyTorch', torchPeer.note ?? 'unavailable'));
  const bertNote = torchPeer.available ? ensureBertModel() : 'generating it needs PyTorch, which is unavailable';
  if (bertNote) rows.push(skippedRow(GROUP, 'BERT-base size', bertNote));
  // Attention Lens loads a folder: the BERT-size model reads the bundled tokenizer (its ids fit).
  if (existsSync(join(bertModelDir, 'model.onnx')) && !existsSync(join(bertModelDir, 'tokenizer.json'))) {
    copyFileSync(join(bundledModelDir, 'tokenizer.json'), join(bertModelDir, 'tokenizer.json'));
  }

  for (const model of MODELS) {
    if (!existsSync(model.path)) continue;
    const torch = torchPeer.available ? await TorchRunner.start(model.path) : { note: torchPeer.note ?? 'unavailable' };
    if ('note' in torch && torchPeer.available) rows.push(skippedRow(GROUP, `${model.label} PyTorch`, torch.note));
    for (const tokens of TOKENS) {
      const ids = fixtureIds(tokens);
      for (const threads of THREADS) {
        const lens = await attentionLensRunner(model.folder, threads, tokens);
        const runners: Runner[] = [lens, await webRunner(model.path, threads, ids)];
        if ('ort' in native) runners.push(await nativeRunner(native.ort, model.path, threads, ids));
        if (!('note' in torch)) runners.push(torchRunnerFor(torch, threads, ids));
        const plan = model.plan(tokens);
        console.error(`  ${model.label}, ${tokens} tokens, ${threads} thread(s): ${runners.map((r) => r.name).join(' / ')}`);
        const times = await interleave(runners, plan);
        const medians: Record<string, number> = {};
        runners.forEach((r, i) => {
          rows.push(timingRow(GROUP, `${model.label} · ${tokens} tok · ${threads}T · ${r.name}`, times[i]));
          medians[r === lens ? 'lens' : r.name.split(' ')[0]] = median(times[i]);
        });
        for (const r of runners) await r.close();
        const suffix = `${model.key === 'bundled' ? '' : 'bert_'}${tokens}_${threads}t`;
        keys[`web_vs_native_${suffix}`] = medians['ort-node'] ? round(medians['ort-web'] / medians['ort-node'], 2) : null;
        keys[`web_vs_torch_${suffix}`] = medians['PyTorch'] ? round(medians['ort-web'] / medians['PyTorch'], 2) : null;
        keys[`attention_vs_torch_${suffix}`] = medians['PyTorch'] ? round(medians['lens'] / medians['PyTorch'], 2) : null;
        rows.push({ group: GROUP, name: `${model.label} · ${tokens} tok · ${threads}T · Attention Lens default ran on`, value: NaN, note: lens.backend });
      }
    }
    if (!('note' in torch)) torch.close();
  }
  // Headlines: 1 thread on every side (the stable figures on a shared machine); 2 threads are in
  // the _2t keys.
  keys.web_vs_native_512 = keys.web_vs_native_512_1t ?? null;
  keys.web_vs_torch_512 = keys.web_vs_torch_512_1t ?? null;
  keys.attention_vs_torch_512 = keys.attention_vs_torch_512_1t ?? null;
  keys.attention_vs_torch_512_bert = keys.attention_vs_torch_bert_512_1t ?? null;

  rows.push(...(await extensionWorkerPath512()));
  rows.push(...(await variants()));
  return { rows, keys, peers };
}

/** The extension's own path: InferenceClient -> dist-equivalent worker.js -> AttentionModel.run(text). */
async function extensionWorkerPath512(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [threads, runtime] of THREADS.flatMap((t) => (['native', 'wasm'] as const).map((r) => [t, r] as const))) {
    const client = new InferenceClient(extensionWorkerPath, ortWasmDir);
    const location = { folder: bundledModelDir, threads, runtime };
    const t0 = performance.now();
    const info = await client.load(location);
    rows.push({ group: GROUP, name: `extension worker · ${info.backend} · ${threads}T · model load + warm-up run (first, in-process)`, value: round(performance.now() - t0, 1), note: `worker reports ${round(info.loadMs, 1)} ms` });
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
      const label = `extension worker · ${info.backend} · bundled · ${tokens} tok · ${threads}T`;
      rows.push(timingRow(GROUP, `${label} · round trip (host)`, roundTrip));
      rows.push(timingRow(GROUP, `${label} · inference (in worker)`, inference));
      rows.push(timingRow(GROUP, `${label} · tokenize (in worker)`, tokenize));
    }
    client.dispose();
  }
  return rows;
}

/** The model pruned as AttentionModel.load prunes it, written beside the bench's other models. */
function prunedCopy(modelPath: string): string {
  const bytes = new Uint8Array(readFileSync(modelPath));
  const keep = readOnnxModel(bytes).graph.outputs.map((o) => o.name).filter((n) => /^(attn|q|k|v|o)_\d+$/.test(n));
  const out = join(cacheDir, 'models', `${basename(dirname(modelPath))}-pruned.onnx`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, pruneGraph(bytes, keep).modelBytes);
  return out;
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
    const pruned = prunedCopy(c.path);
    const specs: [string, 'all' | 'extended' | 'basic' | 'disabled', ((n: string[]) => string[]) | undefined, string?][] = [
      ['graph pruned to attn + q/k/v/o, as Attention Lens loads it', 'all', undefined, pruned],
      ['whole graph, fetching attn + q/k/v/o (before pruning)', 'all', undefined],
      ['attn outputs only', 'all', attnOnly],
      ['all outputs incl. logits', 'all', everything],
      ['graphOptimizationLevel basic', 'basic', undefined],
      ['graphOptimizationLevel disabled', 'disabled', undefined],
    ];
    const runners: Runner[] = [];
    for (const [, opt, pick, path] of specs) runners.push(await webRunner(path ?? c.path, c.threads, ids, opt, pick));
    console.error(`  variants: ${c.model}, ${c.tokens} tokens, ${c.threads} thread(s)`);
    const times = await interleave(runners, c.plan);
    specs.forEach(([label], i) => rows.push(timingRow(GROUP, `variant · ${c.model} · ${c.tokens} tok · ${c.threads}T · ${label}`, times[i])));
    for (const r of runners) await r.close();
  }
  return rows;
}
