/** The summary the views lay a result out from (src/shared/resultSummary.ts). */
import * as assert from 'node:assert/strict';
import { summarize, type SummarySource } from '../../src/shared/resultSummary';

const run: SummarySource = {
  runId: 7,
  text: 'ab',
  tokens: [
    { id: 3, text: 'a', start: 0, end: 1, special: false },
    { id: 4, text: 'b', start: 1, end: 2, special: false },
  ],
  model: { name: 'gpt2-kv', layers: 2, heads: 4, backend: 'wasm', causal: true },
  source: 'a.ts:1',
  truncated: false,
  timings: { tokenize: 1, inference: 2, load: 0, transfer: 0, total: 3 },
};

describe('summarize', function () {
  it('carries what the loader found in the model, for the summary line beside the model name', function () {
    const found = 'decoder with KV cache (fed empty), fused GroupQueryAttention rewritten';
    const summary = summarize({ ...run, model: { ...run.model, found } });
    assert.equal(summary.found, found);
    assert.equal(summary.modelName, 'gpt2-kv');
    assert.deepEqual([summary.layers, summary.heads, summary.causal], [2, 4, true]);
  });

  it('leaves the field out for a plain model', function () {
    assert.equal('found' in summarize(run), false);
  });
});
