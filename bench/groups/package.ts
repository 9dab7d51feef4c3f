/**
 * Package: the VSIX size and what takes the room in it. Uses attention-lens.vsix as `npm run
 * package` last wrote it (BENCH_REPACKAGE=1, or no VSIX yet, packages first; that rebuilds dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/paths';
import { round, type Row } from '../lib/stats';

const GROUP = 'package';
const vsix = join(repoRoot, 'attention-lens.vsix');

export async function runPackage(): Promise<{ rows: Row[]; keys: Record<string, number> }> {
  if (!existsSync(vsix) || process.env.BENCH_REPACKAGE === '1') {
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`npm run package failed: ${r.stderr.slice(-400)}`);
  }
  const stat = statSync(vsix);
  const mb = stat.size / 1e6;
  const rows: Row[] = [
    { group: GROUP, name: 'attention-lens.vsix', value: round(mb, 2), unit: 'MB', note: `written ${stat.mtime.toISOString()}` },
  ];
  // The largest entries, compressed, from the zip listing.
  const list = spawnSync('unzip', ['-v', vsix], { encoding: 'utf8' });
  if (list.status === 0) {
    const entries = list.stdout
      .split('\n')
      .map((line) => /^\s*(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ raw: Number(m[1]), packed: Number(m[2]), name: m[3] }))
      .sort((a, b) => b.packed - a.packed);
    for (const e of entries.slice(0, 5)) {
      rows.push({ group: GROUP, name: `  ${e.name}`, value: round(e.packed / 1e6, 2), unit: 'MB', note: `${round(e.raw / 1e6, 2)} MB unpacked` });
    }
    rows.push({ group: GROUP, name: '  files in the VSIX', value: entries.length, unit: '' });
  }
  return { rows, keys: { vsix_mb: round(mb, 2) } };
}
