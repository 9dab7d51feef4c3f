/**
 * Where the inference worker runs: a worker thread (the extension), or a child process (the CLI).
 * A thread inside onnxruntime-node cannot be terminated (its binding then aborts the process), and
 * while it is stuck there the process cannot exit either (exit joins every worker thread). A child
 * process can always be killed, so the CLI, which must end when its time limit runs out whatever
 * the runtime, runs its worker in one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { workerMallocEnv, type WorkerMemory } from './workerMemory';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

/** The part of a worker the InferenceClient uses. */
export interface WorkerHandle {
  /** True when `terminate()` is safe even inside a native call (a process; a thread is not). */
  readonly killable: boolean;
  /** The process id of a worker process (for measuring its memory); undefined for a thread. */
  readonly pid?: number;
  postMessage(message: WorkerRequest): void;
  onMessage(listener: (reply: WorkerReply) => void): void;
  onError(listener: (err: Error) => void): void;
  /** Called once when the worker has ended, with its exit code (or the signal that ended it). */
  onExit(listener: (code: number | string) => void): void;
  terminate(): void;
  /** Lets the host process exit while the worker is alive. */
  unref(): void;
}

/** The worker as a worker thread of this process. */
export function startWorkerThread(workerPath: string): WorkerHandle {
  const worker = new Worker(workerPath);
  return {
    killable: false,
    postMessage: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => worker.on('error', listener),
    onExit: (listener) => worker.on('exit', listener),
    terminate: () => void worker.terminate(),
    unref: () => worker.unref(),
  };
}

/**
 * The worker as a child process of this one (same script; worker.ts talks over the IPC channel
 * when it has no parentPort). Messages use the structured-clone serialization, so typed arrays
 * arrive as typed arrays (copied: a process boundary transfers nothing). `--expose-gc` lets the
 * worker free a large run's buffers once they are handed over (worker.ts, COLLECT_AFTER_BYTES).
 * @param memory the malloc setting for the model it will load (workerMemory.ts): a worker process
 *   lives with the setting it started with.
 */
export function startWorkerProcess(workerPath: string, memory: WorkerMemory = 'small-model'): WorkerHandle {
  const child: ChildProcess = fork(workerPath, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
    env: { ...process.env, ...workerMallocEnv(memory) },
  });
  return {
    killable: true,
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    postMessage: (message) => {
      if (!child.connected) throw new Error('the worker process has exited');
      child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as WorkerReply)),
    onError: (listener) => child.on('error', listener),
    onExit: (listener) => child.on('exit', (code, signal) => listener(code ?? signal ?? 'unknown')),
    terminate: () => void child.kill('SIGKILL'),
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
  };
}
