/**
 * Request/reply matching for any message channel: a request gets an id, the reply carrying that
 * id settles its promise, and a request that is not answered in time, or that is still pending
 * when the channel closes, settles with what `onLost` makes of it. Used by the inference worker
 * client, the WebGPU bridge to the panel, and the webviews' channel to the host.
 * Pure: no `vscode`, no DOM, no Node APIs beyond timers.
 */

/** Why a request ended without its reply. */
export type LostReason =
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'superseded' }
  | { readonly kind: 'closed'; readonly message: string };

interface Pending<Reply> {
  readonly group: string | undefined;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

export interface RequestOptions {
  /** Settle as lost after this many ms (none when absent). */
  readonly timeoutMs?: number;
  /**
   * Latest wins within a group: starting a request settles the group's older pending request as
   * superseded, so a reply that arrives for it later is ignored.
   */
  readonly group?: string;
}

export class PendingRequests<Reply> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Reply>>();

  /**
   * @param onLost what a request that lost its reply settles with: a reply value (resolved), or
   *   an Error (rejected).
   */
  constructor(private readonly onLost: (reason: LostReason, requestId: number) => Reply | Error) {}

  /** Requests not settled yet. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Starts a request: `send` gets the new id and posts the message. When `send` throws, the
   * request settles as closed with the error's message.
   */
  request(send: (requestId: number) => void, options: RequestOptions = {}): Promise<Reply> {
    const requestId = this.nextId++;
    if (options.group !== undefined) this.supersede(options.group);
    return new Promise<Reply>((resolve, reject) => {
      const { timeoutMs } = options;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.lose(requestId, { kind: 'timeout', timeoutMs }), timeoutMs);
      this.pending.set(requestId, { group: options.group, resolve, reject, timer });
      try {
        send(requestId);
      } catch (error) {
        this.lose(requestId, { kind: 'closed', message: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  /** Settles the request with this id; returns false for an unknown or already settled id. */
  settle(requestId: number, reply: Reply): boolean {
    const p = this.take(requestId);
    p?.resolve(reply);
    return p !== undefined;
  }

  /** Settles the pending requests of `group` as superseded: something newer took their place. */
  supersede(group: string): void {
    for (const [id, p] of this.pending) if (p.group === group) this.lose(id, { kind: 'superseded' });
  }

  /** Settles every pending request, or those `which` picks, as lost because the channel closed. */
  closeAll(message: string, which: (requestId: number) => boolean = () => true): void {
    for (const id of [...this.pending.keys()]) if (which(id)) this.lose(id, { kind: 'closed', message });
  }

  private lose(requestId: number, reason: LostReason): void {
    const p = this.take(requestId);
    if (!p) return;
    const outcome = this.onLost(reason, requestId);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  private take(requestId: number): Pending<Reply> | undefined {
    const p = this.pending.get(requestId);
    if (!p) return undefined;
    this.pending.delete(requestId);
    if (p.timer !== undefined) clearTimeout(p.timer);
    return p;
  }
}
