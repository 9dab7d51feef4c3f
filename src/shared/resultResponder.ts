/**
 * Answers a webview's data requests from a result held in memory. The extension host's panel
 * and the standalone HTML report both use it, so both serve the webview the same data.
 */
import { aggregateHeads, headMatrix } from './attentionMath';
import { MessageType, bufferOf, type RequestMatrixMessage, type ShowMatrixMessage } from './protocol';

/** What a matrix reply needs of a run; the host's runs and the report's data both have it. */
export interface HeldResult {
  readonly runId: number;
  readonly tokens: { readonly length: number };
  /** Per layer, [head][query][key]. */
  readonly attention: readonly Float32Array[];
}

/** The reply to a matrix request, or undefined when it names another run or a layer/head out of range. */
export function answerMatrixRequest(result: HeldResult, request: RequestMatrixMessage): ShowMatrixMessage | undefined {
  if (request.runId !== result.runId) return undefined;
  const layer = result.attention[request.selector.layer];
  if (!layer) return undefined;
  const size = result.tokens.length;
  const { head } = request.selector;
  let matrix: Float32Array;
  if (typeof head === 'number') {
    if (head * size * size >= layer.length) return undefined;
    matrix = headMatrix(layer, size, head);
  } else {
    matrix = aggregateHeads(layer, size, head);
  }
  return {
    type: MessageType.ShowMatrix,
    requestId: request.requestId,
    runId: result.runId,
    selector: request.selector,
    size,
    data: bufferOf(matrix),
  };
}
