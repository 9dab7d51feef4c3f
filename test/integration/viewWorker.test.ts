// The views' data and the JSON export come from the view worker, in the real extension host: the
// run arrives in shared memory (from a worker thread, or through a worker process's file), thumbnails, rollout and aggregates come back with the bytes the
// host itself would compute, the panel still paints, and the export writes the file.
import { everyLayer } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { heldRun } from '../../src/attention/attentionRun';
import { exportInput } from '../../src/views/saveExport';
import { MessageType, type ViewReply, type ViewRequest } from '../../src/shared/protocol';
import { resultToJson } from '../../src/shared/resultJson';
import { answerViewRequest } from '../../src/shared/viewRequests';
import { api, until } from './support';

/** The reply's buffers, concatenated: what the webview receives, byte for byte. */
function bytesOf(reply: ViewReply | undefined): Buffer {
  assert.ok(reply, 'a reply');
  return Buffer.concat(Object.values(reply).filter((v): v is ArrayBuffer => v instanceof ArrayBuffer).map((b) => Buffer.from(b)));
}

describe('View worker in the extension host', function () {
  this.timeout(120_000);

  it('answers the panel\'s thumbnails, rollout and aggregates off the host thread, and the export writes the file', async () => {
    const lens = await api();
    const folder = vscode.workspace.workspaceFolders![0];
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 20, 0);
    const run = await lens.showAttention();
    assert.ok(run, 'a run');
    // A worker thread (WASM) hands its output over in shared memory; a worker process (onnxruntime-node,
    // which `auto` runs where the package carries it) writes it to a file the host reads into shared memory.
    assert.ok(everyLayer(run.attention).every((layer) => layer.buffer instanceof SharedArrayBuffer), `the run arrived in shared memory (${run.model.backend})`);
    await until(() => lens.paintTimes.get(run.runId), 'the panel to paint the run', 30_000);

    const { runId } = run;
    const last = run.model.layers - 1;
    const requests: ViewRequest[] = [
      { type: MessageType.RequestThumbnails, requestId: 1, runId, side: 48, pool: 'max', sinks: { first: true, special: false } },
      { type: MessageType.RequestRollout, exact: true, requestId: 2, runId, layer: last },
      { type: MessageType.RequestMatrix, exact: true, requestId: 3, runId, selector: { layer: last, head: 'mean' } },
      { type: MessageType.RequestQueryMath, requestId: 4, runId, layer: 0, head: 1, query: run.tokens.length - 1 },
    ];
    const started = lens.viewWorker.workersStarted;
    const replies = await Promise.all(requests.map((request) => lens.answerViewRequest(request)));
    requests.forEach((request, i) => {
      const expected = answerViewRequest(heldRun(run), request);
      assert.equal(replies[i]?.type, expected?.type, `reply to ${request.type}`);
      assert.ok(bytesOf(replies[i]).equals(bytesOf(expected)), `the same bytes as on the host for ${request.type}`);
    });
    assert.ok(lens.viewWorker.workersStarted >= Math.max(1, started), 'answered by the view worker');
    assert.equal(lens.viewWorker.pendingRequests, 0);

    const dir = mkdtempSync(join(tmpdir(), 'attention-lens-view-worker-'));
    try {
      const target = vscode.Uri.file(join(dir, 'run.json'));
      await lens.writeExport({ type: MessageType.SaveExport, runId, format: 'json', name: 'run' }, target);
      const text = readFileSync(target.fsPath, 'utf8');
      assert.ok(text === JSON.stringify(resultToJson({ ...exportInput(run), attention: run.attention })), 'the file holds the result JSON');
      const parsed = JSON.parse(text) as { tokens: unknown[]; attention: number[][][][] };
      assert.equal(parsed.tokens.length, run.tokens.length);
      assert.equal(parsed.attention.length, run.model.layers);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
