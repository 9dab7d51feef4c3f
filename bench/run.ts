/**
 * npm run bench [-- GROUP...]   groups: inference, large, long, e2e, webview, host, views, package, tokenizer (default: all)
 * BENCH_QUICK=1 for a smoke run with few repeats.
 *
 * Prints a table (target vs measured, then every row) and writes bench/results/latest.json.
 * When only some groups run, the keys of the others are kept from the previous latest.json.
 */
import './lib/stateDir';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import { runE2e } from './groups/e2e';
import { runHost } from './groups/host';
import { runInference } from './groups/inference';
import { runLargeModel } from './groups/largeModel';
import { runLong } from './groups/long';
import { runPackage } from './groups/package';
import { runTokenizer } from './groups/tokenizer';
import { runViews } from './groups/views';
import { runWebview } from './groups/webview';
import { resultsDir } from './lib/paths';
import { QUICK, type Row } from './lib/stats';

import type { PeerStatus } from './lib/peers';

/** keys: null means not measured, for the reason given in `peers`. */
type GroupResult = { rows: Row[]; keys: Record<string, number | null>; peers?: Record<string, PeerStatus> };
const GROUPS: Record<string, () => Promise<GroupResult>> = {
  inference: runInference,
  large: runLargeModel,
  long: runLong,
  host: runHost,
  views: runViews,
  webview: runWebview,
  e2e: runE2e,
  package: runPackage,
  tokenizer: runTokenizer,
};

/** Target per headline key: the figure should be at most this. */
const TARGETS: [key: string, target: number, unit: string, what: string][] = [
  ['attention_vs_torch_512', 0.8, 'x', 'Attention Lens default (pruned, native where it loads) / PyTorch eager, bundled model, 512 tok, 1 thread'],
  ['attention_vs_torch_512_bert', 1.0, 'x', 'the same, BERT-base size, 512 tok, 1 thread'],
  ['web_vs_native_512', Infinity, 'x', 'ort-web / ort-node, same graph, bundled model, 512 tok, 1 thread (the kernel gap; reported)'],
  ['web_vs_torch_512', Infinity, 'x', 'ort-web / PyTorch eager, bundled model, 512 tok, 1 thread (reported)'],
  ['e2e_warm_512', 150, 'ms', "command -> heatmap painted, warm, 512 tok (VS Code server's default: websocket compressed)"],
  ['e2e_warm_512_uncompressed', Infinity, 'ms', 'the same through a server not compressing its websocket, as npm start runs it on 127.0.0.1 (reported)'],
  ['e2e_cold', 1200, 'ms', 'command -> heatmap painted, first use after window load, 512 tok'],
  ['repaint_512', 16, 'ms', 'head switch -> repainted, 512 tok'],
  ['repaint_2048', 50, 'ms', 'head switch -> repainted, 2048 tok (synthetic)'],
  ['event_loop_max_stall', 20, 'ms', 'longest main-thread gap during 512-tok runs (worker path)'],
  ['rss_growth_mb_100_runs', 20, 'MB', 'RSS growth over 100 runs at 512 tok, default path (native worker process: host + worker)'],
  ['bert_512_peak_rss_over_host_mb', 1000, 'MB', 'BERT-base size at 512 tok: host growth + worker process peak'],
  ['long_2048_peak_rss_mb', 2048, 'MB', '12L x 12H at 2048 tok, every view: host + worker peak (n/a while the run is cut to what fits: see the long rows)'],
  ['view_host_max_stall_512', 50, 'ms', "longest host main-thread gap answering every view's requests, 12x12, 512 tok"],
  ['view_host_max_stall_1024', 50, 'ms', "the same, 1024 tok"],
  ['json_export_peak_mb_512', Infinity, 'MB', 'JSON export peak RSS growth, 12x12, 512 tok (reported)'],
  ['vsix_mb', 16, 'MB', 'attention-lens.vsix (universal)'],
  ['tokenizer_load_vs_native', 2, 'x', 'load Gemma 3 tokenizer.json (256k vocab): ours / native tokenizers'],
  ['tokenizer_encode_8192_vs_native', 3, 'x', 'encode 8192 tokens with Gemma 3: ours / native tokenizers'],
];

function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: readLoad(),
  };
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

function fmt(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

function printTable(rows: Row[], keys: Record<string, number | null>): void {
  const out: string[] = [];
  out.push('', 'Targets (measured, not asserted)', '');
  out.push(`${'key'.padEnd(24)} ${'target'.padStart(9)} ${'measured'.padStart(10)}  ok  what`);
  for (const [key, target, unit, what] of TARGETS) {
    const v = keys[key];
    const ok = v === undefined || v === null || !Number.isFinite(v) ? ' ? ' : target === Infinity ? ' - ' : v <= target ? 'yes' : 'NO ';
    const measured = v === undefined ? 'not run' : v === null ? 'n/a' : fmt(v, unit);
    out.push(`${key.padEnd(28)} ${(target === Infinity ? 'report' : '<= ' + target).padStart(9)} ${measured.padStart(10)}  ${ok} ${what}`);
  }
  let group = '';
  for (const row of rows) {
    if (row.group !== group) {
      group = row.group;
      out.push('', `[${group}]  median  (n, min–max)`);
    }
    const spread = row.n ? `  (n=${row.n}, ${fmt(row.min!)}–${fmt(row.max!)})` : '';
    out.push(`  ${row.name.padEnd(86)} ${fmt(row.value, row.unit ?? 'ms').padStart(11)}${spread}${row.note ? '  — ' + row.note : ''}`);
  }
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((g) => !(g in GROUPS));
  if (unknown.length) throw new Error(`unknown group(s) ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  const groups = asked.length ? asked : Object.keys(GROUPS);
  const started = new Date();
  // The extension's InferenceClient unrefs its worker; keep the process alive while it works.
  const keepAlive = setInterval(() => {}, 1000);
  const rows: Row[] = [];
  const keys: Record<string, number | null> = {};
  const peers: Record<string, PeerStatus> = {};
  for (const name of groups) {
    console.error(`[${name}]${QUICK ? ' (quick)' : ''}`);
    const t0 = performance.now();
    try {
      const result = await GROUPS[name]();
      rows.push(...result.rows);
      Object.assign(keys, result.keys);
      Object.assign(peers, result.peers ?? {});
    } catch (err) {
      console.error(`[${name}] failed: ${(err as Error).stack ?? err}`);
      rows.push({ group: name, name: 'group failed', value: NaN, note: (err as Error).message.split('\n')[0] });
    }
    console.error(`[${name}] ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  clearInterval(keepAlive);
  printTable(rows, keys);

  mkdirSync(resultsDir, { recursive: true });
  const latest = join(resultsDir, 'latest.json');
  // Keys and rows of groups not run this time are kept from the previous file.
  let previous: { keys?: Record<string, number | null>; rows?: Row[]; peers?: Record<string, PeerStatus> } = {};
  if (groups.length < Object.keys(GROUPS).length && existsSync(latest)) {
    try {
      previous = JSON.parse(readFileSync(latest, 'utf8'));
    } catch {
      previous = {};
    }
  }
  const keptRows = (previous.rows ?? []).filter((r) => !groups.includes(r.group));
  const headline = Object.fromEntries(TARGETS.map(([k]) => [k, keys[k] ?? previous.keys?.[k] ?? null]));
  const json = {
    ...headline,
    targets: Object.fromEntries(TARGETS.map(([k, t]) => [k, t === Infinity ? 'report' : t])),
    keys: { ...(previous.keys ?? {}), ...keys },
    // Reference runtimes: available with their version, or null figures and the reason.
    peers: { ...(previous.peers ?? {}), ...peers },
    quick: QUICK,
    groups,
    date: started.toISOString(),
    commit: gitCommit(),
    machine: machine(),
    rows: [...keptRows, ...rows].map((r) => ({ ...r, value: Number.isFinite(r.value) ? r.value : null })),
  };
  writeFileSync(latest + '.tmp', JSON.stringify(json, null, 2) + '\n');
  renameSync(latest + '.tmp', latest);
  console.error(`wrote ${latest}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
