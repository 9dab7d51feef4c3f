/**
 * Whether a session said to be onnxruntime-node's really is (see ensureNativeSession). A module of
 * its own, importing no runtime: the bench's onnxruntime-node peer uses it in a process where
 * loading onnxruntime-web (as nativeEngine.ts does) would itself cause what it checks for.
 */
import type * as ort from 'onnxruntime-web';

/**
 * `session` itself when onnxruntime-node's backend made it; else it is released and an Error
 * thrown. onnxruntime-web and onnxruntime-node each register a backend named 'cpu' with their
 * onnxruntime-common, and where both share one copy of that package (unbundled code: tests,
 * scripts run with tsx) its registry keeps whichever registered first, even against a higher
 * priority (onnxruntime-common 1.30, backend-impl.js). onnxruntime-web loaded first would then
 * answer for onnxruntime-node's sessions with WebAssembly: checked here rather than trusted. The
 * extension's and the CLI's bundles carry onnxruntime-web's copy inside the bundle and load
 * onnxruntime-node's from its package, so there the two never meet. The check reads the class name
 * of onnxruntime-node's session handler, which its package ships unminified.
 * @throws Error when onnxruntime-web made the session (it is released first).
 */
export async function ensureNativeSession(session: ort.InferenceSession): Promise<ort.InferenceSession> {
  const handler = (session as unknown as { handler?: { constructor?: { name?: string } } }).handler;
  if (handler?.constructor?.name === 'OnnxruntimeSessionHandler') return session;
  await session.release();
  throw new Error("onnxruntime-web's backend answered for onnxruntime-node's (both share one onnxruntime-common in this process, and onnxruntime-web registered first)");
}
