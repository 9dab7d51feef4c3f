/**
 * The panel's end of a WebGPU run: posts a request to the webview and resolves with its reply.
 * A request the webview does not answer in time, or that is pending when the panel closes,
 * resolves as failed with the reason, so the caller can fall back to WASM.
 */
import type { WebGpuPanel, WebGpuRunRequest } from '../inference/webGpuEngine';
import { PendingRequests, type LostReason } from '../shared/pendingRequests';
import { MessageType, type ToWebviewMessage, type WebGpuReply } from '../shared/protocol';

function lostReason(reason: LostReason): string {
  if (reason.kind === 'timeout') return `the panel did not answer within ${Math.round(reason.timeoutMs / 1000)} s`;
  if (reason.kind === 'closed') return reason.message;
  return 'a newer run replaced it';
}

export class WebGpuBridge implements Pick<WebGpuPanel, 'run'> {
  private readonly requests = new PendingRequests<WebGpuReply>((reason, requestId) => ({
    type: MessageType.WebGpuFailed,
    requestId,
    reason: lostReason(reason),
  }));

  constructor(
    private readonly post: (message: ToWebviewMessage) => void,
    /** The webview URI of dist/webgpu.js. */
    private readonly script: string,
  ) {}

  run(request: WebGpuRunRequest, timeoutMs: number): Promise<WebGpuReply> {
    return this.requests.request((requestId) => this.post({ ...request, type: MessageType.RunOnWebGpu, requestId, script: this.script }), { timeoutMs });
  }

  /** A reply from the webview; replies to unknown or settled requests are ignored. */
  settle(reply: WebGpuReply): void {
    this.requests.settle(reply.requestId, reply);
  }

  dispose(): void {
    this.requests.closeAll('the Attention Lens panel was closed during the run');
  }
}
