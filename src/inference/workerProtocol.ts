/** Messages between the extension host and its inference worker thread. */
import type { Handover } from './fileHandover';
import type { InferenceOutput, ModelInfo, ModelLocation, PreparedRun, RunStorage } from './runTypes';
import type { RequestStage } from './requestTimeout';
import type { WorkerFailure } from './workerFailure';

export type { RequestStage } from './requestTimeout';
export type { FeedTensor, InferenceOutput, ModelInfo, ModelLocation, PreparedRun, RunStorage, StoredAttention } from './runTypes';

export type WorkerRequest =
  | { readonly kind: 'load'; readonly requestId: number; readonly model: ModelLocation; readonly wasmDir: string }
  | { readonly kind: 'run'; readonly requestId: number; readonly text: string; readonly maxTokens: number; readonly storage?: RunStorage }
  | { readonly kind: 'prepare'; readonly requestId: number; readonly text: string; readonly maxTokens: number }
  | { readonly kind: 'modelBytes'; readonly requestId: number }
  /** End the thread once the current request is done (see InferenceClient.stop). */
  | { readonly kind: 'exit'; readonly requestId: number };

export type WorkerReply =
  | { readonly kind: 'loaded'; readonly requestId: number; readonly info: ModelInfo }
  /** From a worker process, the tensors are in `handover`'s file and `output` holds empty arrays
   *  (fileHandover.ts); or, with `layerFiles`, in that many files announced by `layer` messages
   *  before this reply (a run computed layer by layer). */
  | { readonly kind: 'ran'; readonly requestId: number; readonly output: InferenceOutput; readonly handover?: Handover; readonly layerFiles?: number }
  /** Not a reply: one layer of a run computed layer by layer is in `handover`'s file, to be read
   *  now; with `stored`, the file is in the request's storage folder and stays there, unread. */
  | { readonly kind: 'layer'; readonly requestId: number; readonly layer: number; readonly handover: Handover; readonly stored?: boolean }
  | { readonly kind: 'prepared'; readonly requestId: number; readonly prepared: PreparedRun }
  | { readonly kind: 'modelBytes'; readonly requestId: number; readonly bytes: Uint8Array }
  /** Not a reply: the request entered `stage`, so a request stopped by its time limit can say where it was. */
  | { readonly kind: 'stage'; readonly requestId: number; readonly stage: RequestStage }
  /** The request failed: its kind survives the boundary (an Error's class would not). */
  | { readonly kind: 'failed'; readonly requestId: number; readonly failure: WorkerFailure };
