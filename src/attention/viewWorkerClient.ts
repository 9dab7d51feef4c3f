/**
 * The host side of the view worker (viewWorker.ts): starts it on the first request, hands it the
 * run a request names, and turns requests into promises. A run's attention normally lives in
 * shared memory (inference/sharedOutput.ts), so handing it over copies nothing; a run that does
 * not (a WebGPU run from the panel) is copied one layer per message, with the event loop free
 * between layers. A worker still busy with an older run when a newer one is asked about is
 * replaced rather than waited for; a worker that dies fails only its own requests, and the next
 * request starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import { PendingRequests } from '../shared/pendingRequests';
import type { ViewReply, ViewRequest } from '../shared/protocol';
import { isShared } from '../inference/sharedOutput';
import type { AttentionRun } from './attentionRun';
import type { ExportInput, ViewWorkerReply, ViewWorkerRequest } from './viewWorkerProtocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What the tests may read: threads started, requests in flight. */
export interface ViewWorkerStats {
  readonly workersStarted: number;
  readonly pendingRequests: number;
}

interface Thread {
  readonly worker: Worker;
  /** The run this thread holds (or is being handed), and when the hand-over is posted. */
  held: { readonly run: AttentionRun; readonly posted: Promise<void> } | undefined;
  /** Requests sent to it and not settled, and the exports among them. */
  pending: number;
  exports: number;
}

export class ViewWorkerClient {
  private thread: Thread | undefined;
  private started = 0;
  private readonly pending = new PendingRequests<ViewWorkerReply>((reason) =>
    new Error(reason.kind === 'closed' ? reason.message : 'The view worker did not answer.'),
  );
  private readonly sentTo = new Map<number, Thread>();

  /** @param workerPath dist/viewWorker.js */
  constructor(private readonly workerPath: string) {}

  /**
   * The reply to a view request about `run` (the same as shared/viewRequests.ts answerViewRequest
   * gives), or undefined when the request names something outside the run or the worker failed.
   */
  async answer(run: AttentionRun, request: ViewRequest): Promise<ViewReply | undefined> {
    try {
      const reply = await this.send(run, { kind: 'answer', request });
      return reply.kind === 'answered' ? reply.reply : undefined;
    } catch {
      return undefined;
    }
  }

  /** Head scores of `run`, Float32 [layer][head][score] (shared/headBadges.ts); undefined when the worker failed. */
  async scores(run: AttentionRun): Promise<Float32Array | undefined> {
    try {
      const reply = await this.send(run, { kind: 'scores', runId: run.runId });
      return reply.kind === 'scores' ? reply.scores : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes `run` as result JSON (shared/resultJson.ts) to the local file `path`, streamed: the
   * whole text is never held. Without a path, returns the bytes instead. Resolves with the bytes
   * written (and the bytes when asked).
   * @throws Error with the file system's message when the file cannot be written.
   */
  async exportJson(run: AttentionRun, input: ExportInput, path?: string): Promise<{ written: number; bytes: Uint8Array | undefined }> {
    const reply = await this.send(run, { kind: 'exportJson', runId: run.runId, input, path }, true);
    if (reply.kind !== 'exported') throw new Error('unexpected reply to an export');
    return { written: reply.written, bytes: reply.bytes };
  }

  /**
   * Tells the worker to drop whatever run it holds unless it is `run`: called when the host's
   * store moves on, so a run no view asked about again does not stay alive in the worker.
   */
  keepOnly(run: AttentionRun | undefined): void {
    const thread = this.thread;
    if (!thread?.held || thread.held.run === run) return;
    thread.held = undefined;
    thread.worker.postMessage({ kind: 'release', requestId: 0 } satisfies ViewWorkerRequest);
  }

  get stats(): ViewWorkerStats {
    return { workersStarted: this.started, pendingRequests: this.pending.size };
  }

  dispose(): void {
    const thread = this.thread;
    this.thread = undefined;
    if (thread) void thread.worker.terminate();
    this.pending.closeAll('Attention Lens was shut down.');
  }

  private async send(run: AttentionRun, request: DistributiveOmit<ViewWorkerRequest, 'requestId'>, isExport = false): Promise<ViewWorkerReply> {
    const thread = this.holding(run);
    // Counted before the hand-over is awaited, so a newer run does not replace this thread meanwhile.
    thread.pending++;
    if (isExport) thread.exports++;
    let sent = 0;
    try {
      await thread.held?.posted;
      const reply = await this.pending.request((requestId) => {
        sent = requestId;
        this.sentTo.set(requestId, thread);
        thread.worker.postMessage({ ...request, requestId } as ViewWorkerRequest);
      });
      if (reply.kind === 'failed') throw new Error(reply.message);
      return reply;
    } finally {
      this.sentTo.delete(sent);
      thread.pending--;
      if (isExport) thread.exports--;
    }
  }

  /** A thread holding `run`, handing it over first when needed. */
  private holding(run: AttentionRun): Thread {
    let thread = this.thread;
    if (thread?.held?.run === run) return thread;
    // Busy with an older run's thumbnails or rollout: that work is moot, drop it with the thread
    // (a new one gets the shared attention at no cost). An export in progress is let finish.
    if (thread && thread.pending > 0 && thread.exports === 0) {
      this.stop(thread, 'a newer result replaced the one it was working on');
      thread = undefined;
    }
    thread ??= this.start();
    // Marked held first: the hand-over stops as soon as another run takes its place.
    let posted: () => void = () => {};
    thread.held = { run, posted: new Promise<void>((resolve) => (posted = resolve)) };
    void this.handOver(thread, run).finally(posted);
    return thread;
  }

  /** Posts `run` to the thread: its tokens, then one message per layer. */
  private async handOver(thread: Thread, run: AttentionRun): Promise<void> {
    const { worker } = thread;
    worker.postMessage({
      kind: 'hold',
      requestId: 0,
      runId: run.runId,
      tokens: run.tokens.map((t) => ({ text: t.text, id: t.id, special: t.special })),
      layers: run.attention.length,
      causal: run.model.causal,
      hasVectors: run.vectors !== undefined,
      ...(run.stored ? { stored: run.stored } : {}),
    } satisfies ViewWorkerRequest);
    // A run kept on disk is read by the view worker from its files.
    if (run.stored) return;
    for (let index = 0; index < run.attention.length && thread.held?.run === run; index++) {
      const attention = run.attention.layer(index)!;
      const vectors = run.vectors?.[index];
      const copied = !isShared(attention);
      worker.postMessage({ kind: 'layer', requestId: 0, runId: run.runId, index, attention, vectors } satisfies ViewWorkerRequest);
      // A layer that is copied costs the host heads × T² floats: let other work run between layers.
      if (copied) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private start(): Thread {
    const worker = new Worker(this.workerPath);
    const thread: Thread = { worker, held: undefined, pending: 0, exports: 0 };
    this.started++;
    worker.on('message', (reply: ViewWorkerReply) => {
      if (reply.requestId > 0) this.pending.settle(reply.requestId, reply);
    });
    const lost = (reason: string) => {
      if (this.thread === thread) this.thread = undefined;
      this.failAll(thread, `The view worker stopped: ${reason}`);
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    worker.unref();
    this.thread = thread;
    return thread;
  }

  private stop(thread: Thread, reason: string): void {
    if (this.thread === thread) this.thread = undefined;
    this.failAll(thread, `The view worker was replaced: ${reason}`);
    void thread.worker.terminate();
  }

  private failAll(thread: Thread, message: string): void {
    this.pending.closeAll(message, (requestId) => this.sentTo.get(requestId) === thread);
  }
}
