/**
 * The one protocol between the extension host and the Attention Lens webviews. Shared by both
 * sides (no `vscode`, no DOM): message types (messages.ts, webGpuMessages.ts), the parsers that
 * validate what a webview sends (parsers.ts, built from the readers in fields.ts), and the
 * helpers for binary payloads (buffers.ts).
 */
export * from './buffers';
export * from './fields';
export * from './messageType';
export * from './messages';
export * from './parsers';
export * from './webGpuMessages';
