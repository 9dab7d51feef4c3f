/**
 * Long inputs: a random-weight model of BERT-base size (12 layers x 12 heads, d 768) with 2048
 * positions, generated here (never committed), asked for 2048 tokens, where one run's attention
 * is 2.3 GB of float32. Measures what Attention Lens does with it today (the model runs layer by
 * layer in the worker process, each layer handed to the host as it is computed; the text is cut
 * to the tokens whose run fits its memory budget, half the memory available then: how many, and
 * the memory of the host and the worker process), and what onnxruntime-node alone needs for one forward pass at 2048 tokens that
 * fetches the attention of 1, 2, 4 and 12 layers, from the whole graph and from a graph cut to
 * them: the memory a design that fetches attention per layer would live within. Each
 * measurement in its own process.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles } from '../lib/build';
import { benchDir, bundledModelDir, cacheDir, python } from '../lib/paths';
import { round, skippedRow, type Row } from '../lib/stats';
import { ensureTorch } from '../lib/peers';

const GROUP = 'long';
const TOKENS = 2048;
const modelDir = join(cacheDir, 'models', 'bert-base-random-2048');

function ensureModel(): string | undefined {
  if (existsSync(join(modelDir, 'model.onnx'))) return undefined;
  console.error('generating the 2048-position BERT-base-size model (once)…');
  const result = spawnSync(python, [join(benchDir, 'make_bert_model.py'), modelDir, String(TOKENS)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '2' },
    timeout: 900_000,
  });
  if (result.status !== 0) return `could not generate the model: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`;
  copyFileSync(join(bundledModelDir, 'tokenizer.json'), join(modelDir, 'tokenizer.json'));
  return undefined;
}

function probe(...args: string[]): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, 'groups', 'longProbe.ts'), ...args], { encoding: 'utf8', timeout: 900_000, env: process.env });
  if (child.status !== 0) return { ran: false, reason: `probe failed: ${child.stderr.trim().split('\n').slice(-2).join(' ')}` };
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

export async function runLong(): Promise<{ rows: Row[]; keys: Record<string, number | null> }> {
  const rows: Row[] = [];
  const keys: Record<string, number | null> = {};
  const torch = ensureTorch();
  const problem = torch.available ? ensureModel() : `generating the model needs PyTorch: ${torch.note ?? 'unavailable'}`;
  if (problem) {
    rows.push(skippedRow(GROUP, '12L x 12H at 2048 tokens', problem));
    keys.long_2048_peak_rss_mb = null;
    return { rows, keys };
  }
  await buildBundles();
  const ext = probe('extension', modelDir, String(TOKENS));
  if (ext.ran) {
    const kept = ext.tokens as number;
    const peak = ((ext.hostPeakMb as number | null) ?? NaN) + ((ext.workerPeakMb as number | null) ?? 0);
    rows.push({
      group: GROUP,
      name: `12L x 12H, asked 2048 tok · Attention Lens (native, worker process${ext.layered ? ', layer by layer' : ''}${ext.stored ? ', kept on disk' : ''}) · ${kept} tokens kept · every view answered · host + worker peak RSS`,
      value: round(peak, 0),
      unit: 'MB',
      note: `run ${round(ext.ms as number, 0)} ms; ${String(ext.answered)} of 7 view answers in ${round(ext.viewsMs as number, 0)} ms (matrix compact and exact, a mean, weights, thumbnails with head scores, query math, rollout to layer 1); host ${round(ext.hostPeakMb as number, 0)} MB, worker ${round((ext.workerPeakMb as number | null) ?? NaN, 0)} MB (high-water marks; a layer's file waiting in /dev/shm for the host, 0.2 GB, is in neither); ${round(ext.availableMb as number, 0)} MB of memory available when the run started (the budget takes half)`,
    });
    keys.long_2048_kept_tokens = kept;
    keys.long_2048_views_ms = round(ext.viewsMs as number, 0);
    rows.push({
      group: GROUP,
      name: `12L x 12H, ${kept} tok · the extension host's thread reading one head / one layer's mean${ext.stored ? ' from the files' : ''}`,
      value: round(ext.hostHeadMs as number, 1),
      unit: 'ms',
      note: `one head's T x T (the editor's shading and hover of the shown head); a layer's mean over heads: ${round(ext.hostMeanMs as number, 0)} ms`,
    });
    keys.long_2048_host_head_ms = round(ext.hostHeadMs as number, 1);
    keys.long_2048_host_mean_ms = round(ext.hostMeanMs as number, 0);
    keys.long_2048_available_mb = round(ext.availableMb as number, 0);
    keys.long_2048_kept_peak_rss_mb = round(peak, 0);
    // The key is for a run of all 2048 tokens: measured only once one is not cut.
    keys.long_2048_peak_rss_mb = kept === TOKENS && ext.answered === 7 ? round(peak, 0) : null;
  } else {
    rows.push(skippedRow(GROUP, '12L x 12H, 2048 tok · Attention Lens (native, worker process)', `refused: ${String(ext.reason)}`));
    keys.long_2048_peak_rss_mb = null;
  }
  for (const layers of [1, 2, 4, 12]) {
    const r = probe('layers', modelDir, String(TOKENS), String(layers));
    const name = `12L x 12H, 2048 tok · onnxruntime-node alone · one pass fetching ${layers} layer${layers > 1 ? 's' : ''}' attention · peak RSS`;
    if (!r.ran) {
      rows.push(skippedRow(GROUP, name, String(r.reason)));
      continue;
    }
    rows.push({ group: GROUP, name, value: round(r.peakMb as number, 0), unit: 'MB', note: `pass ${round(r.ms as number, 0)} ms; attention fetched ${round(r.attentionMb as number, 0)} MB; after session creation ${round(r.loadPeakMb as number, 0)} MB` });
    keys[`long_2048_ort_${layers}_layers_peak_rss_mb`] = round(r.peakMb as number, 0);
    keys[`long_2048_ort_${layers}_layers_ms`] = round(r.ms as number, 0);
  }
  // The same passes with the graph cut to the fetched outputs: what one pass needs when
  // onnxruntime does not keep the other layers' attention.
  for (const layers of [1, 4]) {
    const r = probe('cut', modelDir, String(TOKENS), String(layers));
    const name = `12L x 12H, 2048 tok · onnxruntime-node, graph cut to ${layers} layer${layers > 1 ? 's' : ''}' attention · peak RSS`;
    if (!r.ran) {
      rows.push(skippedRow(GROUP, name, String(r.reason)));
      continue;
    }
    rows.push({ group: GROUP, name, value: round(r.peakMb as number, 0), unit: 'MB', note: `pass ${round(r.ms as number, 0)} ms; attention fetched ${round(r.attentionMb as number, 0)} MB; after session creation ${round(r.loadPeakMb as number, 0)} MB` });
    keys[`long_2048_cut_${layers}_layers_peak_rss_mb`] = round(r.peakMb as number, 0);
  }
  return { rows, keys };
}
