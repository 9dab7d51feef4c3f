/**
 * The panel's end of a WebGPU run: posts a request to the webview and resolves with its reply.
 * A request the webview does not answer in time, or that is pending when the panel closes,
 * resolves as failed with the reason, so the caller can fall back to WASM.
 */
import type { WebGpuPanel, WebGpuRunRequest } from '../inference/webGpuEngine';
import { MessageType, type ToWebviewMessage, type WebGpuReply } from '../shared/protocol';

type Pending = { resolve: (reply: WebGpuReply) => void; timer: ReturnType<typeof setTimeout> };

export class WebGpuBridge implements Pick<WebGpuPanel, 'run'> {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly post: (message: ToWebviewMessage) => void,
    /** The webview URI of dist/webgpu.js. */
    private readonly script: string,
  ) {}

  run(request: WebGpuRunRequest, timeoutMs: number): Promise<WebGpuReply> {
    const requestId = this.nextRequestId++;
    return new Promise<WebGpuReply>((resolve) => {
      const timer = setTimeout(
        () => this.settle({ type: MessageType.WebGpuFailed, requestId, reason: `the panel did not answer within ${Math.round(timeoutMs / 1000)} s` }),
        timeoutMs,
      );
      this.pending.set(requestId, { resolve, timer });
      this.post({ ...request, type: MessageType.RunOnWebGpu, requestId, script: this.script });
    });
  }

  /** A reply from the webview; replies to unknown or settled requests are ignored. */
  settle(reply: WebGpuReply): void {
    const pending = this.pending.get(reply.requestId);
    if (!pending) return;
    this.pending.delete(reply.requestId);
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  dispose(): void {
    for (const requestId of [...this.pending.keys()]) {
      this.settle({ type: MessageType.WebGpuFailed, requestId, reason: 'the Attention Lens panel was closed during the run' });
    }
  }
}
