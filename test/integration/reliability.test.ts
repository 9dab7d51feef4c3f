// Reliability and security inside the real extension host: bad documents (untitled, read-only,
// binary-looking, 10 MB, far beyond the context), faults (the worker killed mid-run, the panel
// closed mid-run, a broken model folder, a model whose load or run never ends), 200 quick
// invocations, and the webview's CSP and roots.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { api, assertNoRun, closeWithoutSaving, EXTENSION_ID, openUntitled, runWithModelFolder, until } from './support';
import type { AttentionRun } from '../../src/attention/attentionRun';
import { textCap } from '../../src/shared/textCap';
import { webviewHtml, webviewOptions, webviewRoots } from '../../src/views/webviewHtml';

const repoRoot = resolve(__dirname, '..', '..', '..');

const showAttention = async () => (await api()).showAttention();

/**
 * Every token maps back to exactly its text in the document, in order. VS Code has no position
 * between the \r and \n of a CRLF: an offset there snaps to the line end, so a token boundary
 * inside a CRLF is checked against the analysed text instead (the token's range in the editor is
 * then empty, or includes the \r).
 */
function assertTokensMatchDocument(run: AttentionRun, document: vscode.TextDocument): number {
  assert.equal(run.documentUri, document.uri.toString());
  const all = document.getText();
  assert.equal(all.slice(run.baseOffset, run.baseOffset + run.text.length), run.text, 'the run describes the document text');
  const insideCrlf = (offset: number) => all.charCodeAt(offset - 1) === 13 && all.charCodeAt(offset) === 10;
  let cursor = 0;
  let snapped = 0;
  for (const token of run.tokens) {
    if (token.special || token.start === token.end) continue;
    assert.ok(token.start >= cursor, 'tokens in order');
    cursor = token.end;
    const start = run.baseOffset + token.start;
    const end = run.baseOffset + token.end;
    if (insideCrlf(start) || insideCrlf(end)) {
      snapped++;
      assert.equal(run.text.slice(token.start, token.end), token.text);
      continue;
    }
    const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
    if (text !== token.text) assert.fail(`token ${JSON.stringify(token)} reads ${JSON.stringify(text)} in the document`);
  }
  return snapped;
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('attentionLens.panel'));
}

/** A read-only file system holding one file, as a remote or virtual document would be. */
class ReadOnlyFs implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly content: Uint8Array) {}
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(): vscode.FileStat {
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: this.content.length, permissions: vscode.FilePermission.Readonly };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  readFile(): Uint8Array {
    return this.content;
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }
}

describe('Reliability: bad input', function () {
  this.timeout(120_000);

  const hostile: [string, string][] = [
    ['NUL bytes and control characters', 'a\u0000b\u0000c\u0001\u0002\u001b[31mred\u001b[0m\u007f\n'.repeat(20)],
    ['random bytes read as text', Array.from({ length: 3000 }, (_, i) => String.fromCharCode((i * 7919 + 13) % 256)).join('')],
    ['CRLF line ends and tabs', 'def f(x):\r\n\tif x:\r\n\t\treturn 1\r\n\treturn 0\r\n'.repeat(10)],
    ['every Unicode plane, combining marks, emoji, RTL', Array.from({ length: 17 }, (_, p) => String.fromCodePoint(p * 0x10000 + 0x4e2d)).join(' ') + ' é e\u0301 👨‍👩‍👧 שלום 中文 🇯🇵 \ufeff'],
    ['a 200,000-character line', 'x'.repeat(200_000)],
  ];
  for (const [what, content] of hostile) {
    it(`analyses an untitled document of ${what} with exact token ranges`, async () => {
      const editor = await openUntitled(content);
      try {
        editor.selection = new vscode.Selection(0, 0, 0, 0);
        const run = await showAttention();
        assert.ok(run, 'a run');
        assert.equal(run.baseOffset, 0);
        const snapped = assertTokensMatchDocument(run, editor.document);
        if (snapped > 0) console.log(`      ${snapped} token boundaries fall inside a CRLF (checked against the analysed text)`);
      } finally {
        await closeWithoutSaving(editor);
      }
    });
  }

  it('analyses a read-only document', async () => {
    const content = readFileSync(join(repoRoot, 'test', 'fixtures', 'workspace', 'sample.ts'));
    const registration = vscode.workspace.registerFileSystemProvider('attention-lens-readonly', new ReadOnlyFs(content), { isReadonly: true });
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse('attention-lens-readonly:/sample.ts'));
      const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(0, 0, 10, 0);
      const run = await showAttention();
      assert.ok(run);
      assertTokensMatchDocument(run, document);
      assert.match(run.source, /sample\.ts:1-10/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      registration.dispose();
    }
  });

  it('cuts a selection far beyond the context to the first tokens and says which lines were analysed', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `const value${i} = compute(${i});`).join('\n');
    const editor = await openUntitled(lines, 'typescript');
    try {
      editor.selection = new vscode.Selection(0, 0, 2999, 0);
      const run = await showAttention();
      assert.ok(run && run.truncated);
      assert.equal(run.tokens.length, run.model.context, 'the first maxTokens tokens');
      const lastChar = editor.document.positionAt(run.baseOffset + run.text.length - 1);
      const lastLine = lastChar.line + 1;
      // A cut inside a line says the column too: "1-42" would claim all of line 42.
      const midLine = lastChar.character + 1 < editor.document.lineAt(lastChar.line).text.length;
      const named = midLine ? `:1-${lastLine} \\(to col ${lastChar.character + 1}\\)$` : `:1-${lastLine}$`;
      assert.match(run.source, new RegExp(named), `the source names the analysed lines: ${run.source}`);
      assert.ok(run.cut, 'the run says where it was cut');
      assert.equal(run.cut.lastLine, lastLine);
      assertTokensMatchDocument(run, editor.document);
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('a 10 MB document: only sendCap(maxTokens) characters reach the worker, textCap(maxTokens) are tokenized; the host stays responsive', async () => {
    const content = 'function f(a, b) { return a + b; } // padding padding\n'.repeat(Math.ceil(10_000_000 / 54));
    const editor = await openUntitled(content, 'javascript');
    try {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      let worstLag = 0;
      let last = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        worstLag = Math.max(worstLag, now - last - 10);
        last = now;
      }, 10);
      const started = Date.now();
      const run = await Promise.resolve(showAttention()).finally(() => clearInterval(timer));
      console.log(`      10 MB document: ${Date.now() - started} ms to result, worst event-loop lag ${worstLag} ms (not asserted)`);
      assert.ok(run && run.truncated);
      assert.ok(run.text.length <= textCap(512));
      assertTokensMatchDocument(run, editor.document);
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('notebook cells: analysed like any editor when a notebook can be opened', async function () {
    let notebook: vscode.NotebookDocument;
    try {
      const data = new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'def add(a, b):\n    return a + b\n', 'python')]);
      notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
    } catch (err) {
      // The test VS Code has no Jupyter extension, so no serializer for any notebook type.
      console.log(`      skipped: no notebook serializer in the test VS Code (${(err as Error).message})`);
      this.skip();
    }
    await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.One });
    const cell = notebook.cellAt(0).document;
    const editor = await until(() => vscode.window.visibleTextEditors.find((e) => e.document === cell), 'the cell editor');
    await vscode.window.showTextDocument(cell, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const run = await showAttention();
    assert.ok(run);
    assert.equal(vscode.Uri.parse(run.documentUri).scheme, 'vscode-notebook-cell');
    assertTokensMatchDocument(run, cell);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a document edited while the model runs: the result keeps the old version and arrives stale', async () => {
    const lens = await api();
    const editor = await openUntitled('def add(a, b):\n    return a + b\n'.repeat(40), 'python');
    try {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const original = editor.document.getText();
      const pending = showAttention();
      // Inside the analysed text, so the run is stale whichever comes first: the result, or the
      // edit's change event (an insertion before the text would only shift it once that event is seen).
      await editor.edit((e) => e.insert(new vscode.Position(1, 4), '# edited '));
      const run = await pending;
      assert.ok(run);
      assert.equal(run.text, original.slice(0, run.text.length), 'the result describes the text it was given');
      if (run.documentVersion !== editor.document.version) {
        assert.equal(lens.editor.stale, true, 'stale on arrival');
      } else {
        console.log('      note: the run read the document after the edit landed; nothing to mark stale');
      }
    } finally {
      await closeWithoutSaving(editor);
    }
  });

  it('a document closed while the model runs: the result is dropped with a message, never applied', async () => {
    const lens = await api();
    const editor = await openUntitled('x = 1\n'.repeat(300), 'python');
    const before = lens.store.latest?.runId;
    // A fresh worker makes the run load the model first: time enough to close the document.
    lens.inference.terminateWorker();
    await until(() => lens.inference.liveWorkers === 0, 'the worker to exit');
    const pending = showAttention();
    await until(() => lens.inference.pendingRequests > 0, 'the run to start');
    const document = editor.document;
    await closeWithoutSaving(editor);
    await until(() => document.isClosed, 'the document to close', 5_000).catch(() => undefined);
    const run = await pending;
    if (document.isClosed && run === undefined) {
      assert.equal(lens.store.latest?.runId, before, 'nothing published for the closed document');
    } else {
      // The close was not seen before the run ended: the result is still the document's own text.
      console.log(`      note: the close landed after the run (closed: ${document.isClosed})`);
      assert.ok(run);
      assert.equal(run.text, 'x = 1\n'.repeat(300).slice(0, run.text.length));
    }
  });
});

describe('Reliability: faults', function () {
  this.timeout(120_000);

  async function openSample(): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0];
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 20, 0);
    return editor;
  }

  /**
   * The sample six times over, all selected: a run of 512 tokens, long enough to be seen in flight.
   * A warm native run of the 20-line sample can start and end between two polls.
   */
  async function openLongSample(): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders![0];
    const sample = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'sample.ts')));
    const editor = await openUntitled(sample.repeat(6), 'typescript');
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount, 0);
    return editor;
  }

  it('the worker killed mid-run: the run fails with a message, the next run starts a fresh worker', async () => {
    const lens = await api();
    const editor = await openLongSample();
    assert.ok(await showAttention(), 'a warm run first');
    const startedBefore = lens.inference.workersStarted;
    const pending = showAttention();
    await until(() => lens.inference.pendingRequests > 0, 'the request to reach the worker', 20_000, 0);
    assert.equal(lens.inference.terminateWorker(), true);
    assertNoRun(await pending, 'the interrupted run returns nothing');
    const next = await showAttention();
    assert.ok(next, 'the next run works');
    assert.equal(lens.inference.workersStarted, startedBefore + 1, 'one fresh worker');
    await until(() => lens.inference.liveWorkers === 1, 'exactly one live worker');
    await closeWithoutSaving(editor);
  });

  it('the panel closed mid-run: no error escapes and the next run opens and paints a new panel', async () => {
    const lens = await api();
    await openSample();
    const pending = showAttention();
    await until(() => panelTabs().length > 0, 'the panel to open');
    await vscode.window.tabGroups.close(panelTabs());
    const run = await pending;
    assert.ok(run, 'the result is still computed and stored');
    assert.equal(lens.store.latest?.runId, run.runId);
    const next = await showAttention();
    assert.ok(next);
    await until(() => lens.paintTimes.get(next.runId), 'the new panel to paint the run', 30_000);
    assert.equal(panelTabs().length, 1);
  });

  it('the panel closed during a run that fails: the error is still reported, nothing throws', async () => {
    const lens = await api();
    await openSample();
    const pending = showAttention();
    await until(() => lens.inference.pendingRequests > 0 && panelTabs().length > 0, 'the run to start', 20_000, 0);
    // The worker is stopped in the same turn the request is seen pending, before its reply can be
    // read: closing the panel first gave a warm run time to finish, and the test nothing to fail.
    assert.equal(lens.inference.terminateWorker(), true);
    await vscode.window.tabGroups.close(panelTabs());
    assertNoRun(await pending, 'the failed run returns nothing');
    assert.ok(await showAttention(), 'the next run works');
  });

  it('a broken model folder: a message naming the file, and runs work again once the setting is fixed', async () => {
    const lens = await api();
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-broken-'));
    const config = vscode.workspace.getConfiguration('attentionLens');
    try {
      writeFileSync(join(folder, 'model.onnx'), readFileSync(join(repoRoot, 'media', 'model', 'model.onnx')).subarray(0, 5000));
      copyFileSync(join(repoRoot, 'media', 'model', 'tokenizer.json'), join(folder, 'tokenizer.json'));
      await config.update('modelFolder', folder, vscode.ConfigurationTarget.Global);
      await openSample();
      const before = lens.store.latest?.runId;
      assertNoRun(await showAttention(), 'the broken model gives no run');
      assert.equal(lens.store.latest?.runId, before, 'the previous result stays');
      await config.update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
      const run = await showAttention();
      assert.ok(run, 'the bundled model works again');
      assert.equal(run.model.layers, 4);
    } finally {
      await config.update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('Reliability: the request time limit', function () {
  this.timeout(120_000);

  const config = () => vscode.workspace.getConfiguration('attentionLens');

  /** A model folder with one of the endless-Loop test models (make_endless_loop.py) and the fixture tokenizer. */
  function endlessModelFolder(model: string): string {
    const folder = mkdtempSync(join(tmpdir(), 'attention-lens-endless-'));
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'models', model), join(folder, 'model.onnx'));
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'models', 'tokenizer.json'), join(folder, 'tokenizer.json'));
    return folder;
  }

  async function restoreSettings(folder: string): Promise<void> {
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await config().update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
    rmSync(folder, { recursive: true, force: true });
  }

  /** The bundled model runs again, in a fresh worker (the stopped one was replaced). */
  async function bundledModelRuns(startedBefore: number): Promise<void> {
    const lens = await api();
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await config().update('modelFolder', undefined, vscode.ConfigurationTarget.Global);
    const ws = vscode.workspace.workspaceFolders![0];
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(ws.uri, 'sample.py'), { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    const run = await showAttention();
    assert.ok(run, 'the bundled model runs');
    assert.equal(run.model.layers, 4);
    assert.ok(lens.inference.workersStarted > startedBefore, 'a fresh worker');
    await until(() => lens.inference.liveWorkers === 1, 'exactly one live worker');
  }

  it('a model whose load never ends is cut by the time limit with a message naming the stage, and the bundled model then runs', async () => {
    const lens = await api();
    const folder = endlessModelFolder('endless-loop-load.onnx');
    try {
      const startedBefore = lens.inference.workersStarted;
      await config().update('requestTimeoutSeconds', 2, vscode.ConfigurationTarget.Global);
      const { run } = await runWithModelFolder(folder);
      assertNoRun(run, 'the endless load gives no run');
      assert.deepEqual(lens.inference.lastStopped, {
        kind: 'timeout',
        message:
          'Attention Lens stopped the model after 2 s while it was loading (stage: load). ' +
          'Check the model, or raise attentionLens.requestTimeoutSeconds if it is large and just slow to load.',
      });
      assert.equal(lens.inference.pendingRequests, 0);
      await bundledModelRuns(startedBefore);
    } finally {
      await restoreSettings(folder);
    }
  });

  it('a model whose run never ends is cut at the run stage, and the bundled model then runs', async () => {
    const lens = await api();
    const folder = endlessModelFolder('endless-loop-run.onnx');
    try {
      const startedBefore = lens.inference.workersStarted;
      await config().update('modelFolder', folder, vscode.ConfigurationTarget.Global);
      const ws = vscode.workspace.workspaceFolders![0];
      const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(ws.uri, 'sample.py'), { viewColumn: vscode.ViewColumn.One });
      // One letter: [CLS] d [SEP], the three tokens the model still finishes (under the default
      // limit, however slow this machine loads it).
      editor.selection = new vscode.Selection(0, 0, 0, 1);
      assert.ok(await showAttention(), 'the model loads and runs three tokens');
      await config().update('requestTimeoutSeconds', 2, vscode.ConfigurationTarget.Global);
      editor.selection = new vscode.Selection(0, 0, 2, 0);
      assertNoRun(await showAttention(), 'the endless run gives no run');
      assert.equal(
        lens.inference.lastStopped?.message,
        'Attention Lens stopped the model after 2 s while it was running (stage: run). Select less text, raise attentionLens.requestTimeoutSeconds, or check the model.',
      );
      await bundledModelRuns(startedBefore);
    } finally {
      await restoreSettings(folder);
    }
  });

  it('Cancel on the progress notification stops the run in the worker, and the next run loads the model again', async () => {
    const lens = await api();
    const folder = endlessModelFolder('endless-loop-run.onnx');
    try {
      await config().update('modelFolder', folder, vscode.ConfigurationTarget.Global);
      const ws = vscode.workspace.workspaceFolders![0];
      const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(ws.uri, 'sample.py'), { viewColumn: vscode.ViewColumn.One });
      editor.selection = new vscode.Selection(0, 0, 0, 1);
      assert.ok(await showAttention(), 'the model loads and runs three tokens');
      const startedBefore = lens.inference.workersStarted;
      editor.selection = new vscode.Selection(0, 0, 2, 0);
      // Earlier tests' error messages have primary actions too: only the progress notification may be left.
      await vscode.commands.executeCommand('notifications.clearAll');
      let settled = false;
      const pending = showAttention().finally(() => (settled = true));
      await until(() => lens.inference.stages.includes('run'), 'the worker to run the model');
      // The cancellable notification appears once the run has taken PROGRESS_NOTIFICATION_DELAY_MS;
      // its primary action is Cancel, run here as the user's click would.
      await until(() => {
        void vscode.commands.executeCommand('notification.acceptPrimaryAction');
        return settled;
      }, 'the run to be cancelled', 30_000);
      assertNoRun(await pending, 'the cancelled run gives no run');
      assert.deepEqual(lens.inference.lastStopped, { kind: 'cancelled', message: 'The run was cancelled while it was running (stage: run).' });
      await bundledModelRuns(startedBefore);
    } finally {
      await restoreSettings(folder);
    }
  });
});

describe('Reliability: load', function () {
  this.timeout(300_000);

  it('200 Show Attention invocations in quick succession: the latest wins, nothing stale renders, nothing leaks', async () => {
    const lens = await api();
    const folder = vscode.workspace.workspaceFolders![0];
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.ts'));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 27, 0);
    assert.ok(await showAttention(), 'warm up');
    const before = { memory: process.memoryUsage(), workers: lens.inference.workersStarted, lastRun: lens.store.latest!.runId };
    const runs = await Promise.all(Array.from({ length: 200 }, () => showAttention()));
    const finished = runs.filter((r): r is AttentionRun => r !== undefined);
    assert.equal(finished.length, 1, 'only the latest run completes');
    const latest = finished[0];
    assert.equal(lens.store.latest?.runId, latest.runId);
    assert.ok(runs[199] === latest, 'it is the last invocation');
    await until(() => lens.paintTimes.get(latest.runId), 'the panel to paint the latest run', 30_000);
    const painted = [...lens.paintTimes.keys()].filter((id) => id > before.lastRun);
    assert.deepEqual(painted, [latest.runId], 'no superseded run was drawn');
    assert.equal(lens.inference.workersStarted, before.workers, 'no new worker');
    assert.ok(lens.inference.liveWorkers <= 1, 'no leaked worker');
    assert.equal(lens.inference.pendingRequests, 0, 'nothing left pending');
    assert.equal(panelTabs().length, 1, 'one panel');
    const after = process.memoryUsage();
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(
      `      200 invocations: heap ${mb(before.memory.heapUsed)} -> ${mb(after.heapUsed)} MB, ` +
        `rss ${mb(before.memory.rss)} -> ${mb(after.rss)} MB, external ${mb(before.memory.external)} -> ${mb(after.external)} MB`,
    );
    // Generous: one run of this selection holds a few MB; 200 leaked runs would hold far more.
    assert.ok(after.heapUsed + after.external - before.memory.heapUsed - before.memory.external < 256 * 2 ** 20, 'memory roughly flat');
  });
});

describe('Security: webview', () => {
  it('the webview HTML has a strict CSP: no inline or eval, scripts by nonce only, wasm in the panel only, no connections', async () => {
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const panel = vscode.window.createWebviewPanel('attentionLens.cspTest', 'CSP test', vscode.ViewColumn.Two, webviewOptions(extensionUri));
    try {
      for (const view of ['panel', 'side'] as const) {
        const html = webviewHtml(panel.webview, extensionUri, view);
        const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
        assert.ok(csp, 'a CSP meta tag');
        // The panel compiles onnxruntime's wasm for WebGPU runs; nothing else is unsafe anywhere.
        const unsafe = csp.match(/'[^']*unsafe-[^']*'/g) ?? [];
        assert.deepEqual(unsafe, view === 'panel' ? ["'wasm-unsafe-eval'"] : [], 'no unsafe-inline, unsafe-eval, unsafe-hashes; wasm-unsafe-eval in the panel only');
        const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
        for (const [name, values] of directives) {
          assert.ok(!values.some((v) => v === '*' || v === 'http:' || v === 'https:' || v === 'data:' && name !== 'img-src'), `${name}: ${values.join(' ')}`);
        }
        assert.deepEqual(directives.get('default-src'), ["'none'"]);
        const scriptSrc = directives.get('script-src') ?? [];
        assert.deepEqual(scriptSrc.slice(1), view === 'panel' ? ["'wasm-unsafe-eval'"] : []);
        assert.match(scriptSrc[0], /^'nonce-[A-Za-z0-9+/=]{16,}'$/);
        assert.ok(!directives.has('connect-src'), 'no connect-src: default-src none forbids fetch/XHR/WebSocket');
        const nonce = scriptSrc[0].slice(7, -1);
        const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        assert.ok(scripts.length > 0 && scripts.every((s) => s.includes(`nonce="${nonce}"`) && / src="/.test(s)), 'external scripts with the nonce only');
        assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
        assert.notEqual(webviewHtml(panel.webview, extensionUri, view), html, 'a fresh nonce each time');
      }
      assert.throws(() => webviewHtml(panel.webview, extensionUri, 'panel', '../evil'), /not a bundle name/);
    } finally {
      panel.dispose();
    }
  });

  it('local resources are limited to the extension\'s dist/ and media/ folders', () => {
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const roots = webviewRoots(extensionUri).map((u) => u.toString());
    assert.deepEqual(roots, [vscode.Uri.joinPath(extensionUri, 'dist').toString(), vscode.Uri.joinPath(extensionUri, 'media').toString()]);
    const options = webviewOptions(extensionUri);
    assert.deepEqual(options.localResourceRoots?.map((u) => u.toString()), roots);
    assert.equal(options.enableScripts, true);
    assert.notEqual(options.enableCommandUris, true, 'no command links');
  });
});
