/**
 * Views on a 12 x 12 run: the extension host's longest main-thread stall while every view's data
 * requests are answered (thumbnails with head scores, rollout, aggregates, a query's math) at 512
 * and 1024 tokens, before (answered on the host's thread) and after (the view worker), and the
 * JSON export's peak memory, before (whole string) and after (streamed by the view worker).
 * Each measurement runs in a fresh Node process (groups/viewsProbe.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildBundles } from '../lib/build';
import { benchDir } from '../lib/paths';
import { QUICK, median, repeats, round, timingRow, type Row } from '../lib/stats';

const GROUP = 'views';

function probe(...args: string[]): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(benchDir, 'groups', 'viewsProbe.ts'), ...args], {
    encoding: 'utf8',
    timeout: 900_000,
    env: process.env,
  });
  if (child.status !== 0) throw new Error(`views probe ${args.join(' ')} failed: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

type Stall = { maxGap: number; ms: number };

export async function runViews(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  await buildBundles();
  const rows: Row[] = [];
  const keys: Record<string, number> = {};
  for (const size of QUICK ? [512] : [512, 1024]) {
    const r = probe('stall', String(size), String(size === 512 ? repeats(3, 1) : 1)) as { before: Stall; after: Stall[]; idle: Stall };
    const gaps = r.after.map((a) => a.maxGap);
    const after = { maxGap: median(gaps), ms: median(r.after.map((a) => a.ms)) };
    const label = `12L x 12H, ${size} tok, every view's requests (thumbnails+scores, rollout to the last layer, mean/max, query math)`;
    rows.push({ group: GROUP, name: `host stall · ${label} · before: on the host thread`, value: round(r.before.maxGap, 1), note: `all answered in ${round(r.before.ms, 0)} ms` });
    rows.push({
      group: GROUP,
      name: `host stall · ${label} · after: view worker`,
      value: round(after.maxGap, 1),
      ...(gaps.length > 1 ? { n: gaps.length, min: round(Math.min(...gaps), 1), max: round(Math.max(...gaps), 1) } : {}),
      note: `all answered in ${round(after.ms, 0)} ms; stall ${round(r.before.maxGap / Math.max(after.maxGap, 0.1), 0)}x shorter; idle noise floor ${round(r.idle.maxGap, 1)} ms over ${round(r.idle.ms / 1000, 0)} s`,
    });
    keys[`view_host_max_stall_${size}`] = round(after.maxGap, 1);
    keys[`view_host_max_stall_${size}_before`] = round(r.before.maxGap, 1);
    const shared = probe('share', String(size)) as { times: number[]; bytes: number };
    rows.push(
      timingRow(GROUP, `12L x 12H, ${size} tok · copying the attention into shared memory (inference worker, once per run)`, shared.times, `${round(shared.bytes / 2 ** 20, 0)} MiB; what lets the host hand the run to the view worker without a copy`),
    );
  }
  const size = 512;
  type Exported = Stall & { peakGrowthMb: number; peakRssMb: number; bytes: number };
  const before = probe('export-before', String(size)) as Exported;
  const after = probe('export-after', String(size)) as Exported;
  const mb = (bytes: number) => round(bytes / 2 ** 20, 0);
  rows.push({ group: GROUP, name: `JSON export, 12L x 12H, ${size} tok · peak RSS growth · before: whole string on the host`, value: round(before.peakGrowthMb, 0), unit: 'MB', note: `${mb(before.bytes)} MiB file in ${round(before.ms, 0)} ms, host stall ${round(before.maxGap, 0)} ms` });
  rows.push({
    group: GROUP,
    name: `JSON export, 12L x 12H, ${size} tok · peak RSS growth · after: streamed by the view worker`,
    value: round(after.peakGrowthMb, 0),
    unit: 'MB',
    note: `${mb(after.bytes)} MiB file in ${round(after.ms, 0)} ms, host stall ${round(after.maxGap, 1)} ms; ${round(before.peakGrowthMb / Math.max(after.peakGrowthMb, 1), 0)}x less`,
  });
  keys.json_export_peak_mb_512 = round(after.peakGrowthMb, 0);
  keys.json_export_peak_mb_512_before = round(before.peakGrowthMb, 0);
  return { rows, keys };
}
