// A long run in the real extension host: a model whose attention at its context reaches 1 GiB
// runs layer by layer in the native worker process, and a run of 2,100 tokens (282 MB of
// attention) stays on disk (test/fixtures/models/long-context: 2 layers x 8 heads, 4096
// positions). The panel paints it; every view's data comes from the files, with the bytes the
// same answers give from those files on the host; the hover reads it; the files go when the
// next run replaces it.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { heldRun } from '../../src/attention/attentionRun';
import { HEAD_SCORE_NAMES, MessageType, type ViewReply, type ViewRequest } from '../../src/shared/protocol';
import { answerViewRequest } from '../../src/shared/viewRequests';

import { api, openUntitled, until } from './support';

// The suite is bundled to out/test/integration/; the repository root is three levels up.
const repoRoot = resolve(__dirname, '..', '..', '..');
const model = resolve(repoRoot, 'test', 'fixtures', 'models', 'long-context');
const TOKENS = 2100;

/** `promise`, or an error naming `what` once `ms` have passed: a step that never settles says which it was. */
function within<T>(promise: Thenable<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle in ${ms} ms`)), ms)));
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

function bytesOf(reply: ViewReply | undefined): Buffer {
  assert.ok(reply, 'a reply');
  return Buffer.concat(Object.values(reply).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer).map((b) => Buffer.from(b)));
}

describe('A long run kept on disk', function () {
  this.timeout(180_000);
  const settings = () => vscode.workspace.getConfiguration('attentionLens');

  after(async () => {
    await settings().update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs layer by layer, stays in files on disk, and the panel, the views and the hover read it', async function () {
    const lens = await api();
    await settings().update('modelFolder', model, vscode.ConfigurationTarget.Global);
    await settings().update('maxTokens', TOKENS, vscode.ConfigurationTarget.Global);
    const source = readFileSync(resolve(repoRoot, 'src', 'inference', 'inferenceClient.ts'), 'utf8');
    // Plain text: as TypeScript, the TypeScript extension's own hover on a 1,000-line untitled
    // document (which executeHoverProvider waits for too) did not come back within a minute
    // once earlier suites had run.
    const editor = await within(openUntitled(source.repeat(2)), 'opening the long document');
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount, 0);
    const run = await within(lens.showAttention(), 'Show Attention on 2,100 tokens');
    assert.ok(run, 'a run');
    if (!run.model.backend.startsWith('native')) {
      console.log(`      skipped: the native runtime is not available here (${run.model.backend}: ${run.model.runtimeFallback ?? ''})`);
      this.skip();
    }
    assert.equal(run.model.layered, true, 'the model runs layer by layer');
    assert.equal(run.tokens.length, TOKENS);
    assert.ok(run.stored, 'the run stayed on disk');
    assert.ok(run.stored.files.every((file) => existsSync(file)));
    await until(() => lens.paintTimes.get(run.runId), 'the panel to paint the run', 60_000);

    const { runId } = run;
    const requests: ViewRequest[] = [
      { type: MessageType.RequestMatrix, exact: true, requestId: 1, runId, selector: { layer: 1, head: 3 } },
      { type: MessageType.RequestMatrix, exact: false, requestId: 2, runId, selector: { layer: 0, head: 'mean' } },
      { type: MessageType.RequestQueryMath, requestId: 4, runId, layer: 1, head: 2, query: TOKENS - 1 },
      { type: MessageType.RequestWeights, requestId: 5, runId, selector: { layer: 1, head: 0 }, indices: [TOKENS - 1], direction: 'to', mode: 'sum', sinks: { first: true, special: false }, rollout: false },
    ];
    const replies = await within(Promise.all(requests.map((request) => lens.answerViewRequest(request))), 'the view answers');
    // Compared with what the same answers give from the files here (cheap ones only: the test
    // runs on the extension host's thread, and every head's scores at 2,100 tokens take seconds;
    // storedRun.test.ts compares every kind of answer).
    requests.forEach((request, i) => {
      const expected = answerViewRequest(heldRun(run), request);
      assert.equal(replies[i]?.type, expected?.type, `reply to ${request.type}`);
      assert.ok(bytesOf(replies[i]).equals(bytesOf(expected)), `the same bytes as on the host for ${request.type}`);
    });
    // The Model view's thumbnails and head scores, from the view worker.
    const thumbnails = await within(lens.answerViewRequest({ type: MessageType.RequestThumbnails, requestId: 3, runId, side: 32, pool: 'max', sinks: { first: true, special: false } }), 'the thumbnails');
    assert.ok(thumbnails?.type === MessageType.ShowThumbnails && thumbnails.layers === 2 && thumbnails.heads === 8, 'thumbnails of 2 layers x 8 heads');
    assert.equal(thumbnails.data.byteLength, 2 * 8 * 32 * 32 * 4);
    assert.equal(thumbnails.scores.byteLength, 2 * 8 * HEAD_SCORE_NAMES.length * 4, 'every head scored');
    const math = replies[2] as Extract<ViewReply, { type: MessageType.ShowQueryMath }>;
    assert.equal(math.available, true, "the model's own q/k/v, read from the files");
    assert.ok(math.maxWeightDiff < 1e-5, `the Math view recomputes the stored row (max |ΔS| ${math.maxWeightDiff})`);

    // The editor's shading and hover read the run too.
    const index = run.tokens.findIndex((t, i) => i > TOKENS - 50 && /\w/.test(t.text));
    const position = editor.document.positionAt(run.baseOffset + run.tokens[index]!.start);
    editor.selection = new vscode.Selection(position, position);
    const shading = await until(() => lens.editor.shading.runId === runId && lens.editor.shading.query?.index === index && lens.editor.shading, 'shading of the long run');
    assert.ok(shading.keys.length > 0);
    const hovers = await within(vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position), 'the hover');
    const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.match(text, /Attention Lens/);
    assert.match(text, /\|---:\|/, 'the hover lists the strongest keys');

    // The next run replaces it: its files go.
    editor.selection = new vscode.Selection(0, 0, 5, 0);
    const next = await within(lens.showAttention(), 'the next, short run');
    assert.ok(next && next.runId !== runId);
    assert.equal(next.stored, undefined, 'a short run comes into memory');
    assert.ok(run.stored.files.every((file) => !existsSync(file)), 'the replaced run left no files');
  });
});
