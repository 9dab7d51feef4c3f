/**
 * The host side of the inference worker: starts it lazily, loads a model once and keeps it,
 * and turns requests into promises. If the worker dies, pending requests fail with the reason,
 * `onWorkerExit` is told once, and the next request starts a fresh worker. After a failed load
 * the worker is replaced quietly too: onnxruntime remembers a failed start for the life of its
 * thread, and the user's fix (a restored file, another model folder) must take effect.
 *
 * Every request has a time limit (a watchdog): a request that runs out of it fails with a message
 * naming the stage it was in (load, tokenize, run; the worker announces each), and its worker is
 * stopped and replaced, so an endless model or a pathological tokenizer never blocks the next
 * request. `cancel()` stops the request in flight the same way. A WASM worker is a thread of this
 * process (its results come back in shared memory) and is terminated. onnxruntime-node runs in a
 * child process by default, since a thread inside it cannot be terminated (see `stop()`) and,
 * stopped mid-run in the real VS Code server, once froze the extension host: a process is killed.
 * Should a caller still run it in a thread (WatchdogOptions.startNative), that thread is
 * abandoned instead: its replies are ignored, it exits once its native call returns (if ever),
 * and a fresh worker takes its place.
 */
import { PendingRequests, type LostReason } from '../shared/pendingRequests';
import { cancelledMessage, timeoutMessage } from './requestTimeout';
import type { Translator } from '../shared/translator';
import { InferenceError, type FailureKind } from './workerFailure';
import { rmSync } from 'node:fs';
import { assembleLayers, readHandover, readTensors, removeHandoverFolder, type Handover } from './fileHandover';
import { makeStoreFolder, removeStoreFolder, STORED_FROM_BYTES } from './storeFolder';
import { startWorkerProcess, startWorkerThread, type WorkerHandle } from './workerHandle';
import { workerMallocEnv, workerMemoryFor, type WorkerMemory } from './workerMemory';
import type { InferenceOutput, ModelInfo, ModelLocation, PreparedRun, RequestStage, RunStorage, WorkerReply, WorkerRequest } from './workerProtocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export { InferenceError } from './workerFailure';

/** The watchdog's settings. */
export interface WatchdogOptions {
  /** The time limit of each request in ms, read as the request starts; undefined or 0: no limit. */
  readonly timeoutMs?: () => number | undefined;
  /** What raises the limit, named in the message: the setting, or the CLI's `--timeout`. */
  readonly limitName?: string;
  /** Words the time-limit and cancel messages in the display language (default English). */
  readonly l10n?: Translator;
  /** Starts a worker from the script at the given path (default: a worker thread). */
  readonly start?: WorkerStarter;
  /**
   * Starts the worker for a model on onnxruntime-node (default: `start` when given, else a child
   * process, which can always be killed). `memory` is the malloc setting the model needs
   * (workerMemory.ts), for a starter that makes a process.
   */
  readonly startNative?: WorkerStarter;
  /** Native runs whose attention is at least this many bytes stay on disk (default
   *  STORED_FROM_BYTES; storeFolder.ts); Infinity: never. */
  readonly storedFromBytes?: number;
}

/** Starts a worker from the script at `workerPath`; a process gets the malloc setting `memory`. */
export type WorkerStarter = (workerPath: string, memory?: WorkerMemory) => WorkerHandle;

/** A layer file kept on disk, in place of its read (readLayer). */
const STORED = Symbol('stored');

/** A run's reply with what arrived before it: its layer reads and files kept on disk. */
type RanReply = Extract<WorkerReply, { kind: 'ran' }> & { readonly layerReads?: Promise<Float32Array[] | typeof STORED>[]; readonly storedFiles?: string[] };

/** The stage a request is in until the worker says otherwise. */
const FIRST_STAGE: Record<Exclude<WorkerRequest['kind'], 'exit'>, RequestStage> = {
  load: 'load',
  modelBytes: 'load',
  run: 'tokenize',
  prepare: 'tokenize',
};

/** What the integration tests may see and do to the worker; reached only through the extension's API. */
export interface InferenceTestHooks {
  /** Requests sent to the worker and not answered yet. */
  readonly pendingRequests: number;
  /** Worker threads started and not yet exited (0 or 1 unless one is shutting down). */
  readonly liveWorkers: number;
  /** Worker threads started since activation. */
  readonly workersStarted: number;
  /** The stage of each request not answered yet, as the worker last announced it. */
  readonly stages: readonly RequestStage[];
  /** The last request stopped by its time limit or by `cancel()`: its failure's kind and message. */
  readonly lastStopped: { readonly kind: FailureKind; readonly message: string } | undefined;
  /** Kills the worker as a crash would (pending requests fail, onWorkerExit is called); false when none runs. */
  terminateWorker(): boolean;
}

export class InferenceClient {
  private worker: WorkerHandle | undefined;
  /** What started the current worker: a model for the other runtime, or a native model of the other
   *  size (workerMemory.ts), needs another worker. */
  private workerStart: ((workerPath: string) => WorkerHandle) | undefined;
  /** One starter per malloc environment (its JSON), so that the same settings compare equal (workerStart). */
  private readonly nativeStarters = new Map<string, (workerPath: string) => WorkerHandle>();
  private readonly pending = new PendingRequests<WorkerReply>((reason, requestId) => this.lostError(reason, requestId));
  /** The worker each pending request went to: a worker that stops fails only its own requests. */
  private readonly sentTo = new Map<number, WorkerHandle>();
  /** The stage each pending request is in, as the worker last announced it. */
  private readonly stages = new Map<number, RequestStage>();
  /** The kind of failure `failAll` gives the requests it fails (a crash unless said otherwise). */
  private closingKind: FailureKind = 'worker';
  private lastStopped: { kind: FailureKind; message: string } | undefined;
  private loaded: { key: string; info: Promise<ModelInfo> } | undefined;
  private live = 0;
  private started = 0;
  /** Workers asked to load onnxruntime-node, and those told to exit (their replies are ignored). */
  private readonly nativeWorkers = new WeakSet<WorkerHandle>();
  private readonly stopping = new WeakSet<WorkerHandle>();
  /** A file in each worker process's handover folder, to remove the folder when the process ends. */
  private readonly handoverFolders = new Map<WorkerHandle, string>();
  /** Handover reads under way, per worker process (takeHandover). */
  private readonly readsInFlight = new Map<WorkerHandle, number>();
  /** Worker processes that ended during a handover read: their folder goes once it is done. */
  private readonly exitedWithFolder = new Set<WorkerHandle>();
  /** Per pending run computed layer by layer, the reads of the layer files announced so far
   *  (a file kept on disk is not read: its entry is STORED). */
  private readonly layerReads = new Map<number, Promise<Float32Array[] | typeof STORED>[]>();
  /** Per pending run, the files it keeps on disk so far: removed should the run fail. */
  private readonly storedFiles = new Map<number, string[]>();
  /** This host's folder for runs kept on disk, made at the first native run (storeFolder.ts). */
  private storeFolder: string | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly wasmDir: string,
    private readonly onWorkerExit: (reason: string) => void = () => {},
    private readonly watchdog: WatchdogOptions = {},
  ) {}

  /** Load the model at `location` unless it is the one already loaded. */
  load(location: ModelLocation): Promise<ModelInfo> {
    const key = JSON.stringify(location);
    if (this.loaded?.key !== key) {
      const start = this.starter(location);
      if (this.worker && this.workerStart !== start) this.retire(this.worker);
      const worker = this.ensureWorker(start);
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
    const info = await this.loadForRequest(location);
    // The worker send() posts to (no await in between): the one whose handover folder this run's
    // file is in, even if another worker has replaced it by the time the reply arrives.
    const worker = this.ensureWorker();
    const storage = this.storageFor(location);
    const reply = await this.send({ kind: 'run', text, maxTokens, ...(storage ? { storage } : {}) });
    if (reply.kind !== 'ran') throw new InferenceError('unexpected reply to run');
    const output = reply.layerFiles !== undefined ? await this.takeLayers(reply, info) : reply.handover ? await this.takeHandover(worker, reply.output, reply.handover) : reply.output;
    return { info, output, loadMs: fresh ? info.loadMs : 0 };
  }

  /** Load the model if needed and tokenize `text` for a run on another engine. */
  async prepare(location: ModelLocation, text: string, maxTokens: number): Promise<{ info: ModelInfo; prepared: PreparedRun; loadMs: number }> {
    const fresh = this.loaded?.key !== JSON.stringify(location);
    const info = await this.loadForRequest(location);
    const reply = await this.send({ kind: 'prepare', text, maxTokens });
    if (reply.kind !== 'prepared') throw new InferenceError('unexpected reply to prepare');
    return { info, prepared: reply.prepared, loadMs: fresh ? info.loadMs : 0 };
  }

  /** The loaded model's bytes with its attention outputs exposed, for another engine to load. */
  async modelBytes(location: ModelLocation): Promise<Uint8Array> {
    await this.loadForRequest(location);
    const reply = await this.send({ kind: 'modelBytes' });
    if (reply.kind !== 'modelBytes') throw new InferenceError('unexpected reply to modelBytes');
    return reply.bytes;
  }

  /**
   * load(), then checks that `location` is still the model the worker holds: a load of another
   * model sent while this one was loading would otherwise make the request that follows run on
   * that model while it reports this one's info (the worker handles requests in order).
   * @throws InferenceError of kind 'cancelled' when another model was loaded meanwhile.
   */
  private async loadForRequest(location: ModelLocation): Promise<ModelInfo> {
    const info = await this.load(location);
    // No await between this check and the send() that follows it: nothing can come between.
    if (this.loaded?.key !== JSON.stringify(location)) {
      throw new InferenceError(`Another model was loaded before this request for ${info.name} reached the worker, so it was not run. Run it again.`, 'cancelled');
    }
    return info;
  }

  /**
   * Stops the request in flight for real: its worker is terminated (abandoned when it runs
   * onnxruntime-node, see `stop()`) and replaced, so the next request starts a fresh worker and
   * loads the model again. Every request sent to that worker fails with kind 'cancelled'.
   * Returns false, and stops nothing, when no request is waiting for the worker.
   */
  cancel(): boolean {
    const worker = this.worker;
    const requests = [...this.sentTo].filter(([, to]) => to === worker).map(([id]) => id);
    if (!worker || requests.length === 0) return false;
    const request = requests[requests.length - 1];
    const message = cancelledMessage(this.stages.get(request) ?? 'run', this.watchdog.l10n);
    this.lastStopped = { kind: 'cancelled', message };
    this.replace(worker, message, 'cancelled');
    return true;
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
    get stages() {
      return [...client.stages.values()];
    },
    get lastStopped() {
      return client.lastStopped;
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
    if (this.storeFolder) removeStoreFolder(this.storeFolder);
    this.storeFolder = undefined;
  }

  /**
   * Where a native run may keep a long run on disk: this host's folder, made now if need be.
   * Undefined for WASM (never layered: chooseSession.ts), when turned off (storedFromBytes
   * Infinity), or when no folder can be made (the run then comes into memory as before).
   */
  private storageFor(location: ModelLocation): RunStorage | undefined {
    const fromBytes = this.watchdog.storedFromBytes ?? STORED_FROM_BYTES;
    if (location.runtime !== 'native' || fromBytes === Infinity) return undefined;
    try {
      this.storeFolder ??= makeStoreFolder();
    } catch {
      return undefined;
    }
    return { folder: this.storeFolder, fromBytes };
  }

  private send(request: DistributiveOmit<WorkerRequest, 'requestId'>): Promise<WorkerReply> {
    const worker = this.ensureWorker();
    const timeoutMs = this.watchdog.timeoutMs?.();
    let sent = 0;
    return this.pending
      .request(
        (requestId) => {
          sent = requestId;
          this.sentTo.set(requestId, worker);
          this.stages.set(requestId, FIRST_STAGE[request.kind as keyof typeof FIRST_STAGE]);
          try {
            worker.postMessage({ ...request, requestId } as WorkerRequest);
          } catch (err) {
            // A message that cannot be cloned, or a worker already gone: nothing will answer it.
            throw new Error(`The inference worker could not be reached: ${(err as Error).message}`, { cause: err });
          }
        },
        timeoutMs !== undefined && timeoutMs > 0 ? { timeoutMs } : {},
      )
      .finally(() => {
        this.sentTo.delete(sent);
        this.stages.delete(sent);
        // A run that failed leaves its layer reads to finish (each deletes its file) unawaited,
        // and its files kept on disk are removed (a run that came back took them: see takeLayers).
        this.layerReads.delete(sent);
        for (const file of this.storedFiles.get(sent) ?? []) rmSync(file, { force: true });
        this.storedFiles.delete(sent);
      })
      .then((reply) => {
        if (reply.kind === 'failed') throw new InferenceError(reply.failure.message, reply.failure.kind);
        return reply;
      });
  }

  /**
   * A worker process's run, read from its handover file (fileHandover.ts). The folder is removed
   * when the process ends, or, should it end while a read is still under way, once the last read
   * of its files is done.
   * @throws InferenceError ('worker') when the file cannot be read.
   */
  private async takeHandover(worker: WorkerHandle, output: InferenceOutput, handover: Handover): Promise<InferenceOutput> {
    try {
      return await this.trackedRead(worker, handover, (h) => readHandover(output, h));
    } catch (err) {
      throw new InferenceError(`The inference worker's result could not be read: ${(err as Error).message}`, 'worker');
    }
  }

  /**
   * A run computed layer by layer (layeredSession.ts): its layers' files, each read as the worker
   * announced it while computing the next (readLayer), assembled.
   * @throws InferenceError ('worker') when a file cannot be read or the files do not fit the run.
   */
  private async takeLayers(reply: RanReply, info: ModelInfo): Promise<InferenceOutput> {
    try {
      const reads = reply.layerReads ?? [];
      // Array.from: some() would skip the holes of layers never announced.
      if (reads.length !== reply.layerFiles || Array.from(reads).some((r) => r === undefined)) throw new Error(`${reads.filter(Boolean).length} of ${reply.layerFiles} layer files were announced`);
      const layers = await Promise.all(reads);
      const files = reply.storedFiles;
      if (files && files.length > 0) {
        if (files.length !== layers.length || layers.some((l) => l !== STORED)) throw new Error('the run was kept on disk only in part');
        const headDim = reply.output.vectors?.[0]?.headDim;
        return { ...reply.output, stored: { files, heads: info.heads, size: reply.output.tokens.length, headDim } };
      }
      return assembleLayers(reply.output, layers as Float32Array[][]);
    } catch (err) {
      throw new InferenceError(`The inference worker's result could not be read: ${(err as Error).message}`, 'worker');
    }
  }

  /** Starts reading one layer's file of the pending run `requestId` (see takeLayers); a file kept
   *  on disk is only noted. */
  private readLayer(worker: WorkerHandle, requestId: number, layer: number, handover: Handover, stored: boolean): void {
    let reads = this.layerReads.get(requestId);
    if (!reads) this.layerReads.set(requestId, (reads = []));
    if (stored) {
      const files = this.storedFiles.get(requestId) ?? [];
      files[layer] = handover.path;
      this.storedFiles.set(requestId, files);
      reads[layer] = Promise.resolve(STORED);
      return;
    }
    const read = this.trackedRead(worker, handover, (h) => readTensors(h));
    // Awaited by takeLayers; a run that fails meanwhile never awaits it.
    read.catch(() => {});
    reads[layer] = read;
  }

  /** `read` of a file in `worker`'s handover folder, which is removed when the process ends, or,
   *  should it end while a read is still under way, once the last read of its files is done. */
  private async trackedRead<T>(worker: WorkerHandle, handover: Handover, read: (handover: Handover) => Promise<T>): Promise<T> {
    // Remembered for the worker's exit, which removes the folder. (A reply is only taken from a
    // worker that has not exited: an exit fails that worker's pending requests first.)
    this.handoverFolders.set(worker, handover.path);
    this.readsInFlight.set(worker, (this.readsInFlight.get(worker) ?? 0) + 1);
    try {
      return await read(handover);
    } finally {
      const left = (this.readsInFlight.get(worker) ?? 1) - 1;
      if (left > 0) this.readsInFlight.set(worker, left);
      else {
        this.readsInFlight.delete(worker);
        if (this.exitedWithFolder.has(worker)) this.removeFolderOf(worker);
      }
    }
  }

  /** Removes the handover folder of `worker`, which has ended and has no read under way. */
  private removeFolderOf(worker: WorkerHandle): void {
    this.exitedWithFolder.delete(worker);
    const handover = this.handoverFolders.get(worker);
    this.handoverFolders.delete(worker);
    try {
      if (handover) removeHandoverFolder(handover);
    } catch {
      // A file still open elsewhere (Windows): the next worker process removes the folder
      // (processFolder.ts removes folders of processes that no longer run).
    }
  }

  /**
   * How a worker for `location` is started: see WatchdogOptions and workerMemory.ts. Native models
   * whose malloc settings come out the same (off Linux, or where the user set them: always) share
   * one starter, so that switching between them keeps the worker process.
   */
  private starter(location?: ModelLocation): (workerPath: string) => WorkerHandle {
    if (location?.runtime !== 'native') return this.watchdog.start ?? startWorkerThread;
    const memory = workerMemoryFor(location);
    const key = JSON.stringify(workerMallocEnv(memory));
    let start = this.nativeStarters.get(key);
    if (!start) {
      const base = this.watchdog.startNative ?? this.watchdog.start ?? startWorkerProcess;
      start = (workerPath) => base(workerPath, memory);
      this.nativeStarters.set(key, start);
    }
    return start;
  }

  private ensureWorker(start = this.workerStart ?? this.starter()): WorkerHandle {
    if (this.worker) return this.worker;
    const worker = start(this.workerPath);
    this.workerStart = start;
    this.live++;
    this.started++;
    worker.onMessage((reply) => {
      if (this.stopping.has(worker)) return;
      const requestId = (reply as { requestId?: unknown } | null)?.requestId;
      if (typeof requestId !== 'number') return;
      if (reply.kind === 'stage') {
        if (this.stages.has(requestId)) this.stages.set(requestId, reply.stage);
        return;
      }
      if (reply.kind === 'layer') {
        if (this.sentTo.get(requestId) === worker) this.readLayer(worker, requestId, reply.layer, reply.handover, reply.stored === true);
        return;
      }
      // A run's layer reads and stored files go with its reply: the request's entries are gone
      // once it settles.
      const reads = reply.kind === 'ran' ? this.layerReads.get(requestId) : undefined;
      const storedFiles = reply.kind === 'ran' ? this.storedFiles.get(requestId) : undefined;
      this.storedFiles.delete(requestId);
      this.pending.settle(requestId, reads ? Object.assign({}, reply, { layerReads: reads, storedFiles }) : reply);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.loaded = undefined;
      this.failAll(`The inference worker stopped: ${reason}`, worker);
      this.onWorkerExit(reason);
    };
    worker.onError((err) => lost(err.message));
    worker.onExit((code) => {
      this.live--;
      lost(`exit code ${code}`);
      // A retired worker may still have had requests queued behind its failed load.
      this.failAll('The inference worker was restarted.', worker);
      // A run it handed over may still be being read: its folder goes after that read.
      if (this.readsInFlight.has(worker)) this.exitedWithFolder.add(worker);
      else this.removeFolderOf(worker);
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** What a request that lost its reply fails with; one that ran out of time also stops its worker. */
  private lostError(reason: LostReason, requestId: number): InferenceError {
    if (reason.kind === 'closed') return new InferenceError(reason.message, this.closingKind);
    if (reason.kind !== 'timeout') return new InferenceError('The inference worker did not answer.', 'worker');
    const worker = this.sentTo.get(requestId);
    const stage = this.stages.get(requestId) ?? 'run';
    const abandoned = worker !== undefined && !worker.killable && this.nativeWorkers.has(worker);
    const message = timeoutMessage(stage, reason.timeoutMs, this.watchdog.limitName ?? 'the time limit', abandoned, this.watchdog.l10n);
    this.lastStopped = { kind: 'timeout', message };
    // After this request has settled: the worker's other requests then fail as stopped.
    if (worker) queueMicrotask(() => this.replace(worker, `The inference worker was stopped: an earlier request ran out of time (stage: ${stage}).`, 'timeout'));
    return new InferenceError(message, 'timeout');
  }

  /**
   * Stops `worker` because of one of its requests (time limit, cancel): its other requests fail
   * with `message` and `kind`, and the next request starts a fresh worker. Not reported through
   * `onWorkerExit`: the request's own failure tells the user.
   */
  private replace(worker: WorkerHandle, message: string, kind: FailureKind): void {
    this.failAll(message, worker, kind);
    if (this.worker === worker) {
      this.worker = undefined;
      this.loaded = undefined;
    }
    this.stop(worker);
  }

  /** Replaces `worker` quietly: the next request starts a fresh one. */
  private retire(worker: WorkerHandle): void {
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
  private stop(worker: WorkerHandle): void {
    this.stopping.add(worker);
    if (worker.killable || !this.nativeWorkers.has(worker)) {
      worker.terminate();
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

  private failAll(message: string, worker?: WorkerHandle, kind: FailureKind = 'worker'): void {
    this.closingKind = kind;
    try {
      this.pending.closeAll(message, (requestId) => worker === undefined || this.sentTo.get(requestId) === worker);
    } finally {
      this.closingKind = 'worker';
    }
  }
}
