/**
 * The session a loaded model runs its views' graph with: onnxruntime's own, in one pass, or one
 * session per layer (layeredSession.ts) for a model whose attention at its context would not fit
 * in memory at once. Either hands a run's outputs over as they exist: all at the end of one pass,
 * or one layer's at a time, so that a caller can move each layer out (to the host) before the
 * next is computed.
 */
import type * as ort from 'onnxruntime-web';

export interface ViewSession {
  /** 'one-pass' or 'layered': how the outputs come (see the header). */
  readonly kind: 'one-pass' | 'layered';
  /**
   * Runs the graph on `feeds`, fetching `fetches`. `onOutputs` is called with each group of
   * outputs as soon as it is computed (every fetch exactly once over the run). The session
   * disposes them once `onOutputs` returns: their data stays readable on the CPU (dispose drops
   * onnxruntime's handle only), their handles do not.
   * @throws onnxruntime's Error as is.
   */
  run(feeds: Readonly<Record<string, ort.Tensor>>, fetches: readonly string[], onOutputs: (outputs: Record<string, ort.Tensor>) => void): Promise<void>;
  release(): Promise<void>;
}

/** One onnxruntime session, run in one pass. */
export function onePassSession(session: ort.InferenceSession): ViewSession {
  return {
    kind: 'one-pass',
    run: async (feeds, fetches, onOutputs) => {
      const results = await session.run(feeds, [...fetches]);
      onOutputs(results);
      for (const tensor of Object.values(results)) tensor.dispose();
    },
    release: () => session.release(),
  };
}
