/**
 * The host side of the inference worker: starts it lazily, loads a model once and keeps it,
 * and turns requests into promises. If the worker dies, pending requests fail with the reason,
 * `onWorkerExit` is told once, and the next request starts a fresh worker. After a failed load
 * the worker is replaced quietly too: onnxruntime remembers a failed start for the life of its
 * thread, and the user's fix (a restored file, another model folder) must take effect.
 */
import { Worker } from 'node:worker_threads';
import { PendingRequests } from '../shared/pendingRequests';
import { InferenceError } from './workerFailure';
import type { InferenceOutput, ModelInfo, ModelLocation, PreparedRun, WorkerReply, WorkerRequest } from './workerProtocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export { InferenceError } from './workerFailure';

/** What the integration tests may see and do to the worker; reached only through the extension's API. */
export interface InferenceTestHooks {
  /** Requests sent to the worker and not answered yet. */
  readonly pendingRequests: number;
  /** Worker threads started and not yet exited (0 or 1 unless one is shutting down). */
  readonly liveWorkers: number;
  /** Worker threads started since activation. */
  readonly workersStarted: number;
  /** Kills the worker as a crash would (pending requests fail, onWorkerExit is called); false when none runs. */
  terminateWorker(): boolean;
}

export class InferenceClient {
  private worker: Worker | undefined;
  private readonly pending = new PendingRequests<WorkerReply>((reason) =>
    new InferenceError(reason.kind === 'closed' ? reason.message : 'The inference worker did not answer.', 'worker'),
  );
  /** The worker each pending request went to: a worker that stops fails only its own requests. */
  private readonly sentTo = new Map<number, Worker>();
  private loaded: { key: string; info: Promise<ModelInfo> } | undefined;
  private live = 0;
  private started = 0;
  /** Workers asked to load onnxruntime-node, and those told to exit (their replies are ignored). */
  private readonly nativeWorkers = new WeakSet<Worker>();
  private readonly stopping = new WeakSet<Worker>();

  constructor(
    private readonly workerPath: string,
    private readonly wasmDir: string,
    private readonly onWorkerExit: (reason: string) => void = () => {},
  ) {}

  /** Load the model at `location` unless it is the one already loaded. */
  load(location: ModelLocation): Promise<ModelInfo> {
    const key = JSON.stringify(location);
    if (this.loaded?.key !== key) {
      const worker = this.ensureWorker();
      if (location.runtime === 'native') this.nativeWorkers.add(worker);
      const info = this.send({ kind: 'load', model: location, wasmDir: this.wasmDir }).then((reply) => {
        if (reply.kind !== 'loaded') throw new InferenceError('unexpected reply to load');
        return reply.info;
      });
      this.loaded = { key, info };
      info.catch(() => {
        if (this.loaded?.info === info) this.loaded = undefined;
        this.retire(worker);
      });
    }
    return this.loaded.info;
  }

  /** Run the model; `loadMs` is the model load time when this call had to load it, else 0. */
  async run(
    location: ModelLocation,
    text: string,
    maxTokens: number,
  ): Promise<{ info: ModelInfo; output: InferenceOutput; loadMs: number }> {
    const fresh = this.loaded?.key !== JSON.stringify(location);
    const info = await this.load(location);
    const reply = await this.send({ kind: 'run', text, maxTokens });
    if (reply.kind !== 'ran') throw new InferenceError('unexpected reply to run');
    return { info, output: reply.output, loadMs: fresh ? info.loadMs : 0 };
  }

  /** Load the model if needed and tokenize `text` for a run on another engine. */
  async prepare(location: ModelLocation, text: string, maxTokens: number): Promise<{ info: ModelInfo; prepared: PreparedRun; loadMs: number }> {
    const fresh = this.loaded?.key !== JSON.stringify(location);
    const info = await this.load(location);
    const reply = await this.send({ kind: 'prepare', text, maxTokens });
    if (reply.kind !== 'prepared') throw new InferenceError('unexpected reply to prepare');
    return { info, prepared: reply.prepared, loadMs: fresh ? info.loadMs : 0 };
  }

  /** The loaded model's bytes with its attention outputs exposed, for another engine to load. */
  async modelBytes(location: ModelLocation): Promise<Uint8Array> {
    await this.load(location);
    const reply = await this.send({ kind: 'modelBytes' });
    if (reply.kind !== 'modelBytes') throw new InferenceError('unexpected reply to modelBytes');
    return reply.bytes;
  }

  /** For the integration tests (see InferenceTestHooks). */
  readonly testHooks: InferenceTestHooks = ((client: InferenceClient): InferenceTestHooks => ({
    get pendingRequests() {
      return client.pending.size;
    },
    get liveWorkers() {
      return client.live;
    },
    get workersStarted() {
      return client.started;
    },
    terminateWorker() {
      const worker = client.worker;
      if (!worker) return false;
      // Reported as a crash: 'exit' runs the same path as a worker that died by itself.
      client.stop(worker);
      return true;
    },
  }))(this);

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.loaded = undefined;
    if (worker) this.stop(worker);
    this.failAll('Attention Lens was shut down.');
  }

  private send(request: DistributiveOmit<WorkerRequest, 'requestId'>): Promise<WorkerReply> {
    const worker = this.ensureWorker();
    let sent = 0;
    return this.pending
      .request((requestId) => {
        sent = requestId;
        this.sentTo.set(requestId, worker);
        try {
          worker.postMessage({ ...request, requestId } as WorkerRequest);
        } catch (err) {
          // A message that cannot be cloned, or a worker already gone: nothing will answer it.
          throw new Error(`The inference worker could not be reached: ${(err as Error).message}`, { cause: err });
        }
      })
      .finally(() => this.sentTo.delete(sent))
      .then((reply) => {
        if (reply.kind === 'failed') throw new InferenceError(reply.failure.message, reply.failure.kind);
        return reply;
      });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    this.live++;
    this.started++;
    worker.on('message', (reply: WorkerReply) => {
      if (this.stopping.has(worker)) return;
      const requestId = (reply as { requestId?: unknown } | null)?.requestId;
      if (typeof requestId === 'number') this.pending.settle(requestId, reply);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.loaded = undefined;
      this.failAll(`The inference worker stopped: ${reason}`, worker);
      this.onWorkerExit(reason);
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => {
      this.live--;
      lost(`exit code ${code}`);
      // A retired worker may still have had requests queued behind its failed load.
      this.failAll('The inference worker was restarted.', worker);
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Replaces `worker` quietly: the next request starts a fresh one. */
  private retire(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.loaded = undefined;
    this.stop(worker);
  }

  /**
   * Ends `worker`. A thread inside onnxruntime-node's session.run() or session creation must not
   * be terminated: its binding then throws a C++ exception nothing catches, which aborts the whole
   * process (the extension host). Such a worker is told to exit once its current request is done;
   * its replies from now on are ignored, and its 'exit' fails what is pending as a crash would.
   */
  private stop(worker: Worker): void {
    this.stopping.add(worker);
    if (!this.nativeWorkers.has(worker)) {
      void worker.terminate();
      return;
    }
    worker.postMessage({ kind: 'exit', requestId: 0 } satisfies WorkerRequest);
    // No request may reach a worker that is on its way out: it is lost now, as if it had crashed.
    if (this.worker === worker) {
      this.worker = undefined;
      this.loaded = undefined;
      this.failAll('The inference worker stopped: it was stopped during a native run', worker);
      this.onWorkerExit('stopped during a native run');
    }
  }

  private failAll(message: string, worker?: Worker): void {
    this.pending.closeAll(message, (requestId) => worker === undefined || this.sentTo.get(requestId) === worker);
  }
}
