/**
 * One parser per message a webview may send, in one table. A webview is untrusted input as far as
 * the host is concerned: every message goes through `parseWebviewMessage` before the host acts on
 * it; anything malformed yields undefined and is ignored, and fields not in the message's
 * interface are dropped.
 */
import { arrayBufferFrom } from './buffers';
import { bool, count, duration, either, fields, finite, index, list, oneOf, record, text, type Reader } from './fields';
import { MessageType } from './messageType';
import {
  EXPORT_FORMATS,
  MAX_EXPORT_BYTES,
  MAX_THUMBNAIL_SIDE,
  type FromWebviewMessage,
  type HeadSelector,
  type SaveExportMessage,
  type SinkSelection,
} from './messages';
import type { WebGpuTensor } from './webGpuMessages';

const MAX_OUTPUTS = 4096;
const MAX_DIMS = 8;
const MAX_NAME = 256;
const MAX_REASON = 2000;
const FLOAT32_BYTES = 4;
/** Most tokens one weights request may name (a span of a long input). */
const MAX_SPAN = 1 << 16;

/** A head number, or an aggregate over the heads of a layer. */
export const headChoice: Reader<HeadSelector['head']> = either(index, oneOf(['mean', 'max'] as const));

export const headSelector: Reader<HeadSelector> = fields({ layer: index, head: headChoice });

const sinkSelection: Reader<SinkSelection> = fields({ first: bool, special: bool });

const thumbnailSide: Reader<number> = (value) => {
  const side = index(value);
  return side !== undefined && side >= 1 && side <= MAX_THUMBNAIL_SIDE ? side : undefined;
};

/** A float32 output tensor whose bytes match its shape. */
const outputTensor: Reader<WebGpuTensor> = (value) => {
  const raw = fields({ name: text(MAX_NAME + 1), type: oneOf(['float32'] as const), dims: list(count, MAX_DIMS) })(value);
  const data = record(value)?.data;
  if (!raw || raw.name.length === 0 || raw.name.length > MAX_NAME || !(data instanceof ArrayBuffer)) return undefined;
  const elements = raw.dims.reduce((a, b) => a * b, 1);
  return data.byteLength === elements * FLOAT32_BYTES ? { ...raw, data } : undefined;
};

/** A file name suggestion only: no folders, no control characters, bounded. */
function fileName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  return value.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 120) || 'attention';
}

function saveExport(msg: Record<string, unknown>): SaveExportMessage | undefined {
  const head = fields({ runId: index, format: oneOf(EXPORT_FORMATS), name: fileName })(msg);
  if (!head) return undefined;
  const base = { type: MessageType.SaveExport, ...head } as const;
  const { data } = msg;
  if (head.format === 'json') return base;
  if (head.format === 'svg') return typeof data === 'string' && data.length <= MAX_EXPORT_BYTES ? { ...base, data } : undefined;
  const bytes = arrayBufferFrom(data);
  return bytes && bytes.byteLength <= MAX_EXPORT_BYTES ? { ...base, data: bytes } : undefined;
}

type Parsers = {
  readonly [K in FromWebviewMessage['type']]: (msg: Record<string, unknown>) => Extract<FromWebviewMessage, { type: K }> | undefined;
};

/** Reads the fields of `shape` and tags them with the message type. */
function message<K extends FromWebviewMessage['type'], S extends Record<string, Reader<unknown>>>(type: K, shape: S) {
  const read = fields(shape);
  return (msg: Record<string, unknown>) => {
    const body = read(msg);
    return body && { type, ...body };
  };
}

/** The parser of each message type a webview sends. */
export const WEBVIEW_MESSAGE_PARSERS: Parsers = {
  [MessageType.Ready]: message(MessageType.Ready, {}),
  [MessageType.RequestMatrix]: message(MessageType.RequestMatrix, { requestId: index, runId: index, selector: headSelector, exact: bool }),
  [MessageType.RequestWeights]: message(MessageType.RequestWeights, {
    requestId: index,
    runId: index,
    selector: headSelector,
    rollout: bool,
    indices: list(index, MAX_SPAN),
    direction: oneOf(['to', 'from'] as const),
    mode: oneOf(['sum', 'mean'] as const),
    sinks: sinkSelection,
  }),
  [MessageType.RevealToken]: message(MessageType.RevealToken, { runId: index, index }),
  [MessageType.Painted]: message(MessageType.Painted, { runId: index, paintMs: finite }),
  [MessageType.HeadPicked]: message(MessageType.HeadPicked, { layer: index, head: headChoice }),
  [MessageType.RequestRollout]: message(MessageType.RequestRollout, { requestId: index, runId: index, layer: index, exact: bool }),
  [MessageType.RequestThumbnails]: message(MessageType.RequestThumbnails, {
    requestId: index,
    runId: index,
    side: thumbnailSide,
    pool: oneOf(['max', 'mean'] as const),
    sinks: sinkSelection,
  }),
  [MessageType.RequestQueryMath]: message(MessageType.RequestQueryMath, { requestId: index, runId: index, layer: index, head: index, query: index }),
  [MessageType.SaveExport]: saveExport,
  [MessageType.Rerun]: message(MessageType.Rerun, { runId: index }),
  [MessageType.WebGpuResult]: message(MessageType.WebGpuResult, {
    requestId: count,
    outputs: list(outputTensor, MAX_OUTPUTS),
    adapter: text(MAX_NAME),
    sessionMs: duration,
    runMs: duration,
  }),
  [MessageType.WebGpuFailed]: (msg) => {
    const body = fields({ requestId: count, reason: text(MAX_REASON) })(msg);
    // An unknown `needs` is dropped rather than failing the reply: the reason still counts.
    const needs = oneOf(['runtime', 'model'] as const)(msg.needs);
    return body && { type: MessageType.WebGpuFailed, ...body, ...(needs ? { needs } : {}) };
  },
};

/** Validates a message from a webview; undefined for anything malformed or of an unknown type. */
export function parseWebviewMessage(raw: unknown): FromWebviewMessage | undefined {
  const msg = record(raw);
  if (!msg || typeof msg.type !== 'string' || !Object.hasOwn(WEBVIEW_MESSAGE_PARSERS, msg.type)) return undefined;
  return WEBVIEW_MESSAGE_PARSERS[msg.type as FromWebviewMessage['type']](msg);
}
