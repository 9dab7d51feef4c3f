/** Starts the raw onnxruntime-web bench worker and talks to it one request at a time. */
import { Worker } from 'node:worker_threads';
import type { OrtWebReply, OrtWebRequest } from '../workers/ortWebProtocol';
import { ortWebWorkerPath } from './build';

export class OrtWebWorker {
  private readonly worker = new Worker(ortWebWorkerPath);

  request(message: OrtWebRequest): Promise<OrtWebReply> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.worker.once('error', onError);
      this.worker.once('message', (reply: OrtWebReply) => {
        this.worker.off('error', onError);
        if (reply.kind === 'failed') reject(new Error(reply.message));
        else resolve(reply);
      });
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
