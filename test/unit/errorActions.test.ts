import * as assert from 'node:assert/strict';
import { SELECT_MODEL, SHOW_LOG, USE_BUNDLED_MODEL, errorActions } from '../../src/commands/errorActions';
import { failureOf } from '../../src/inference/workerFailure';
import { ModelLoadError } from '../../src/inference/modelErrors';
import { UnexpectedOutputError } from '../../src/inference/outputChecks';
import { RuntimeFilesError } from '../../src/inference/runtimeFiles';

describe('failed runs: kinds and the actions offered', () => {
  it('the worker keeps the kind of each error it catches', () => {
    assert.deepEqual(failureOf(new ModelLoadError('tokenizer', 'tokenizer.json: bad')), { kind: 'tokenizer', message: 'tokenizer.json: bad' });
    assert.deepEqual(failureOf(new RuntimeFilesError('gone')), { kind: 'runtime-files', message: 'gone' });
    assert.deepEqual(failureOf(new UnexpectedOutputError('NaN')), { kind: 'output', message: 'NaN' });
    assert.deepEqual(failureOf(new TypeError('oops')), { kind: 'internal', message: 'oops' });
    assert.deepEqual(failureOf('a string'), { kind: 'internal', message: 'a string' });
  });

  it('the kind survives structured cloning, as a worker reply does', () => {
    const cloned = structuredClone({ kind: 'failed', requestId: 1, failure: failureOf(new ModelLoadError('missing-file', 'no model.onnx')) });
    assert.equal(cloned.failure.kind, 'missing-file');
  });

  it('a problem with the model offers another model, and the bundled one when a folder is set', () => {
    assert.deepEqual(errorActions('missing-file', true), [SELECT_MODEL, USE_BUNDLED_MODEL, SHOW_LOG]);
    assert.deepEqual(errorActions('no-attention', false), [SELECT_MODEL, SHOW_LOG]);
    assert.deepEqual(errorActions('output', true), [SELECT_MODEL, USE_BUNDLED_MODEL, SHOW_LOG]);
  });

  it('a problem with the extension or the worker offers the log only', () => {
    for (const kind of ['runtime-files', 'worker', 'internal'] as const) {
      assert.deepEqual(errorActions(kind, true), [SHOW_LOG], kind);
      assert.deepEqual(errorActions(kind, false), [SHOW_LOG], kind);
    }
  });
});
