/**
 * Extension host: the longest main-thread event-loop stall while the worker runs the bundled
 * model at 512 tokens (with the idle noise floor and a no-worker reference beside it), and RSS
 * growth over 100 runs. Measured in a fresh Node process so other groups do not skew RSS.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildBundles } from '../lib/build';
import { benchDir } from '../lib/paths';
import { round, skippedRow, type Row } from '../lib/stats';

const GROUP = 'host';

export async function runHost(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  await buildBundles();
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'groups', 'hostProbe.ts')], {
    encoding: 'utf8',
    timeout: 900_000,
    env: process.env,
  });
  if (child.status !== 0) throw new Error(`host probe failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    threads: number;
    stallRuns: number;
    loadStall: { maxGap: number; histMax: number };
    worker: { maxGap: number; histMax: number; p99: number };
    idle: { maxGap: number; histMax: number; p99: number };
    mainThread: { maxGap: number; histMax: number };
    rssGrowthMb: number;
    heapGrowthMb: number;
    rssAfterMb: number;
    native: { hostMb: number; workerMb: number; backend: string } | undefined;
  };
  const t = `${r.threads} thread${r.threads > 1 ? 's' : ''}`;
  const rows: Row[] = [
    { group: GROUP, name: `event loop: longest gap during ${r.stallRuns} runs, worker path, 512 tok, ${t}`, value: round(r.worker.maxGap, 1), note: `histogram max ${round(r.worker.histMax, 1)} ms, p99 ${round(r.worker.p99, 1)} ms` },
    { group: GROUP, name: 'event loop: longest gap idle, same duration (noise floor)', value: round(r.idle.maxGap, 1), note: `histogram max ${round(r.idle.histMax, 1)} ms, p99 ${round(r.idle.p99, 1)} ms` },
    { group: GROUP, name: 'event loop: longest gap while the worker loads the model', value: round(r.loadStall.maxGap, 1) },
    { group: GROUP, name: 'event loop: longest gap, same runs on the main thread (reference)', value: round(r.mainThread.maxGap, 1), note: 'why inference lives in a worker' },
    { group: GROUP, name: 'RSS growth over 100 runs, 512 tok, WASM in a worker thread (after warm-up, gc before/after)', value: round(r.rssGrowthMb, 1), unit: 'MB', note: `heap ${round(r.heapGrowthMb, 1)} MB, RSS after ${round(r.rssAfterMb, 0)} MB` },
  ];
  const keys: Record<string, number> = {
    event_loop_max_stall: round(r.worker.maxGap, 1),
    event_loop_idle_max_stall: round(r.idle.maxGap, 1),
    rss_growth_mb_100_runs_wasm: round(r.rssGrowthMb, 1),
    // The headline is the path the extension takes by default here: native where it loads.
    rss_growth_mb_100_runs: round(r.native ? r.native.hostMb + r.native.workerMb : r.rssGrowthMb, 1),
  };
  if (r.native) {
    rows.push({
      group: GROUP,
      name: `RSS growth over 100 runs, 512 tok, ${r.native.backend} in a worker process: host + worker`,
      value: round(r.native.hostMb + r.native.workerMb, 1),
      unit: 'MB',
      note: `host ${round(r.native.hostMb, 1)} MB, worker process ${round(r.native.workerMb, 1)} MB`,
    });
    keys.rss_growth_mb_100_runs_native = round(r.native.hostMb + r.native.workerMb, 1);
  } else {
    rows.push(skippedRow(GROUP, 'RSS growth over 100 runs, native engine', 'onnxruntime-node does not load here: the WASM row is the default path'));
  }
  return { rows, keys };
}
