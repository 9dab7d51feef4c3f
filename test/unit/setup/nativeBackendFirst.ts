// Loaded before any test file (.mocharc.json "require"). Unbundled, onnxruntime-web and
// onnxruntime-node share one onnxruntime-common, whose backend registry keeps the first backend
// registered under a name: onnxruntime-node must register 'cpu' before onnxruntime-web does, or
// every "native" session in this process would be a WebAssembly one (which
// src/inference/nativeSession.ts refuses). onnxruntime-node is optional: without it the native
// tests skip and say so.
import { createRequire } from 'node:module';

try {
  createRequire(__filename)('onnxruntime-node');
} catch {
  // Not installed: nothing to register.
}
