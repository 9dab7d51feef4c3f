/**
 * The host side of the inference worker: starts it lazily, loads a model once and keeps it,
 * and turns requests into promises. If the worker dies, pending requests fail with the reason
 * and the next request starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { InferenceOutput, ModelInfo, ModelLocation, WorkerReply, WorkerRequest } from './workerProtocol';

type Pending = { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class InferenceError extends Error {}

export class InferenceClient {
  private worker: Worker | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private loaded: { key: string; info: Promise<ModelInfo> } | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly wasmDir: string,
    private readonly onWorkerExit: (reason: string) => void = () => {},
  ) {}

  /** Load the model at `location` unless it is the one already loaded. */
  load(location: ModelLocation): Promise<ModelInfo> {
    const key = JSON.stringify(location);
    if (this.loaded?.key !== key) {
      const info = this.send({ kind: 'load', model: location, wasmDir: this.wasmDir }).then((reply) => {
        if (reply.kind !== 'loaded') throw new InferenceError('unexpected reply to load');
        return reply.info;
      });
      this.loaded = { key, info };
      info.catch(() => {
        if (this.loaded?.info === info) this.loaded = undefined;
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

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.loaded = undefined;
    void worker?.terminate();
    this.failAll('Attention Lens was shut down.');
  }

  private send(request: DistributiveOmit<WorkerRequest, 'requestId'>): Promise<WorkerReply> {
    const worker = this.ensureWorker();
    const requestId = this.nextRequestId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      worker.postMessage({ ...request, requestId } as WorkerRequest);
    }).then((reply) => {
      if (reply.kind === 'failed') throw new InferenceError(reply.message);
      return reply;
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.requestId);
      this.pending.delete(reply.requestId);
      pending?.resolve(reply);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.loaded = undefined;
      this.failAll(`The inference worker stopped: ${reason}`);
      this.onWorkerExit(reason);
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new InferenceError(message));
  }
}
